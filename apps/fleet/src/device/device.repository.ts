import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DeviceSegment, DeviceStatus } from '@proctor/contracts';
import { applyKeyset } from '@proctor/persistence';
import { EntityManager, Repository } from 'typeorm';
import { Device } from './device.entity';

export interface DeviceRegistration {
  device_id: string;
  hostname: string;
  role: string;
  branch: string | null;
  segment: DeviceSegment | null;
  ip_address: string | null;
}

@Injectable()
export class DeviceRepository {
  constructor(@InjectRepository(Device) private readonly devices: Repository<Device>) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.devices.manager.transaction(work);
  }

  findById(deviceId: string): Promise<Device | null> {
    return this.devices.findOneBy({ device_id: deviceId });
  }

  /**
   * Inserts the device, or updates what it reports of itself when it registers again; optional
   * fields it leaves out keep their value. Operator-set state (status, maintenance, version lock,
   * metadata) is never touched here.
   */
  async upsert(manager: EntityManager, registration: DeviceRegistration): Promise<{ device: Device; inserted: boolean }> {
    const rows: (Device & { inserted: boolean })[] = await manager.query(
      `INSERT INTO devices (device_id, hostname, role, branch, segment, ip_address)
       VALUES ($1, $2, $3, COALESCE($4, 'main'), COALESCE($5, 'stable'), $6)
       ON CONFLICT (device_id) DO UPDATE SET
         hostname = EXCLUDED.hostname,
         role = EXCLUDED.role,
         branch = COALESCE($4, devices.branch),
         segment = COALESCE($5, devices.segment),
         ip_address = COALESCE($6, devices.ip_address),
         updated_at = now()
       RETURNING *, (xmax = 0) AS inserted`,
      [registration.device_id, registration.hostname, registration.role, registration.branch, registration.segment, registration.ip_address],
    );
    const { inserted, ...device } = rows[0];
    return { device: manager.create(Device, device), inserted };
  }

  /** One page, newest first, narrowed by the filters given; `size + 1` rows to tell if more follow. */
  listPage(filter: { role?: string; status?: DeviceStatus; segment?: DeviceSegment }, cursor: string | undefined, size: number): Promise<Device[]> {
    const qb = this.devices.createQueryBuilder('d');
    if (filter.role) qb.andWhere('d.role = :role', { role: filter.role });
    if (filter.status) qb.andWhere('d.status = :status', { status: filter.status });
    if (filter.segment) qb.andWhere('d.segment = :segment', { segment: filter.segment });
    return applyKeyset(qb, { alias: 'd', timeColumn: 'created_at', idColumn: 'device_id', cursor, size }).getMany();
  }
}
