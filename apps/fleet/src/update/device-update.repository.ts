import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { applyKeyset } from '@proctor/persistence';
import { EntityManager, Repository } from 'typeorm';
import { DeviceUpdate } from './device-update.entity';

export type NewDeviceUpdate = Pick<
  DeviceUpdate,
  'device_id' | 'from_commit_hash' | 'to_commit_hash' | 'update_status' | 'error_message' | 'health_check_passed' | 'rollout_id'
>;

@Injectable()
export class DeviceUpdateRepository {
  constructor(@InjectRepository(DeviceUpdate) private readonly updates: Repository<DeviceUpdate>) {}

  async insert(manager: EntityManager, update: NewDeviceUpdate): Promise<DeviceUpdate> {
    const rows: DeviceUpdate[] = await manager.query(
      `INSERT INTO device_updates (device_id, from_commit_hash, to_commit_hash, update_status, error_message, health_check_passed, rollout_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [update.device_id, update.from_commit_hash, update.to_commit_hash, update.update_status, update.error_message, update.health_check_passed, update.rollout_id],
    );
    return manager.create(DeviceUpdate, rows[0]);
  }

  /** One page of a device's updates, newest first; `size + 1` rows to tell if more follow. */
  listPage(deviceId: string, cursor: string | undefined, size: number): Promise<DeviceUpdate[]> {
    const qb = this.updates.createQueryBuilder('u').where('u.device_id = :deviceId', { deviceId });
    return applyKeyset(qb, { alias: 'u', timeColumn: 'created_at', idColumn: 'id', cursor, size }).getMany();
  }
}
