import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DeviceEventType, EventSeverity } from '@proctor/contracts';
import { applyKeyset } from '@proctor/persistence';
import { EntityManager, Repository } from 'typeorm';
import { DeviceEvent } from './device-event.entity';

export interface NewDeviceEvent {
  device_id: string;
  event_type: DeviceEventType;
  severity: EventSeverity;
  message: string;
  details: Record<string, unknown>;
}

@Injectable()
export class DeviceEventRepository {
  constructor(@InjectRepository(DeviceEvent) private readonly events: Repository<DeviceEvent>) {}

  /** Inserts events in one statement, whatever their number (a sweep may mark many devices at once). */
  async insertMany(manager: EntityManager, events: NewDeviceEvent[]): Promise<void> {
    if (events.length === 0) return;
    await manager.query(
      `INSERT INTO device_events (device_id, event_type, severity, message, details)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])`,
      [
        events.map((e) => e.device_id),
        events.map((e) => e.event_type),
        events.map((e) => e.severity),
        events.map((e) => e.message),
        events.map((e) => JSON.stringify(e.details)),
      ],
    );
  }

  /** One page of a device's events, newest first; `size + 1` rows to tell if more follow. */
  listPage(
    deviceId: string,
    filter: { event_type?: DeviceEventType; severity?: EventSeverity },
    cursor: string | undefined,
    size: number,
  ): Promise<DeviceEvent[]> {
    const qb = this.events.createQueryBuilder('e').where('e.device_id = :deviceId', { deviceId });
    if (filter.event_type) qb.andWhere('e.event_type = :eventType', { eventType: filter.event_type });
    if (filter.severity) qb.andWhere('e.severity = :severity', { severity: filter.severity });
    return applyKeyset(qb, { alias: 'e', timeColumn: 'created_at', idColumn: 'id', cursor, size }).getMany();
  }
}
