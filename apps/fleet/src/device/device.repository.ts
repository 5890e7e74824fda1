import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DeviceSegment, DeviceStatus, ReportableDeviceStatus } from '@proctor/contracts';
import { EntityManager, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { StatusChange } from './device-status-transition';
import { Device } from './device.entity';

export interface DeviceRegistration {
  device_id: string;
  hostname: string;
  role: string;
  branch: string | null;
  segment: DeviceSegment | null;
  ip_address: string | null;
  /** A newly issued key's hash (the old key is revoked), or null to keep the current one. */
  key_hash: string | null;
}

export interface DeviceSettings {
  maintenance_mode?: boolean;
  update_enabled?: boolean;
  version_lock?: string | null;
  segment?: DeviceSegment;
  branch?: string;
  metadata?: Record<string, unknown>;
}

/** What the latest heartbeat of a batch says of its device. */
export interface HeartbeatState {
  device_id: string;
  status: ReportableDeviceStatus;
  received_at: string;
  current_commit_hash: string | null;
}

export type TargetingFields = Pick<Device, 'device_id' | 'segment' | 'branch' | 'current_commit_hash' | 'maintenance_mode' | 'update_enabled' | 'version_lock'>;

interface StatusChangeRow {
  device_id: string;
  previous_status: DeviceStatus;
  status: DeviceStatus;
  last_seen: Date | null;
}

@Injectable()
export class DeviceRepository {
  constructor(@InjectRepository(Device) private readonly devices: Repository<Device>) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.devices.manager.transaction(work);
  }

  findById(deviceId: string, manager: EntityManager = this.devices.manager): Promise<Device | null> {
    return manager.findOneBy(Device, { device_id: deviceId });
  }

  /** The device, locked until the transaction ends (its settings are about to change); FK checks of heartbeat inserts still pass. */
  findForUpdate(manager: EntityManager, deviceId: string): Promise<Device | null> {
    return manager.findOne(Device, { where: { device_id: deviceId }, lock: { mode: 'for_no_key_update' } });
  }

  async exists(deviceId: string): Promise<boolean> {
    return this.devices.existsBy({ device_id: deviceId });
  }

  /** An index hit on the unique key hash. */
  async findIdByKeyHash(keyHash: string): Promise<string | null> {
    const rows: { device_id: string }[] = await this.devices.query('SELECT device_id FROM devices WHERE key_hash = $1', [keyHash]);
    return rows[0]?.device_id ?? null;
  }

  /**
   * Inserts the device, or updates what it reports of itself when it registers again; optional
   * fields it leaves out keep their value. Operator-set state (status, maintenance, version lock,
   * metadata) is never touched here; the key hash only when a new key was issued.
   */
  async upsert(manager: EntityManager, registration: DeviceRegistration): Promise<{ device: Device; inserted: boolean }> {
    const rows: (Device & { inserted: boolean })[] = await manager.query(
      `INSERT INTO devices (device_id, hostname, role, branch, segment, ip_address, key_hash)
       VALUES ($1, $2, $3, COALESCE($4, 'main'), COALESCE($5, 'stable'), $6, $7)
       ON CONFLICT (device_id) DO UPDATE SET
         hostname = EXCLUDED.hostname,
         role = EXCLUDED.role,
         branch = COALESCE($4, devices.branch),
         segment = COALESCE($5, devices.segment),
         ip_address = COALESCE($6, devices.ip_address),
         key_hash = COALESCE($7, devices.key_hash),
         updated_at = now()
       RETURNING *, (xmax = 0) AS inserted`,
      [
        registration.device_id,
        registration.hostname,
        registration.role,
        registration.branch,
        registration.segment,
        registration.ip_address,
        registration.key_hash,
      ],
    );
    const { inserted, ...device } = rows[0];
    return { device: manager.create(Device, device), inserted };
  }

  /** Sets the status a device reports of itself (it spoke, so it was seen now); returns the change. */
  async setReportedStatus(manager: EntityManager, deviceId: string, status: ReportableDeviceStatus): Promise<StatusChange | null> {
    // An UPDATE answers [rows, affected] through TypeORM's query().
    const [rows] = (await manager.query(
      `WITH prev AS (SELECT device_id, status FROM devices WHERE device_id = $1 FOR NO KEY UPDATE)
       UPDATE devices d SET status = $2, last_seen = now(), updated_at = now()
         FROM prev WHERE d.device_id = prev.device_id
       RETURNING d.device_id, prev.status AS previous_status, d.status, d.last_seen`,
      [deviceId, status],
    )) as [StatusChangeRow[], number];
    return rows[0] ?? null;
  }

  async saveSettings(manager: EntityManager, deviceId: string, settings: DeviceSettings): Promise<Device> {
    // Metadata is any JSON object, which TypeORM's deep-partial type cannot follow.
    const patch = { ...settings, updated_at: () => 'now()' } as QueryDeepPartialEntity<Device>;
    await manager.update(Device, { device_id: deviceId }, patch);
    return manager.findOneByOrFail(Device, { device_id: deviceId });
  }

  async setCurrentCommit(manager: EntityManager, deviceId: string, commit: string): Promise<void> {
    await manager.query('UPDATE devices SET current_commit_hash = $2, updated_at = now() WHERE device_id = $1', [deviceId, commit]);
  }

  /**
   * Applies the latest heartbeat of each device in one statement: last seen, status and commit, but
   * only where the heartbeat is newer than what the device was last seen with (a late or
   * redelivered one changes nothing). Rows are locked in device order, so two batches never
   * deadlock on each other. Returns each device's status before and after.
   */
  async applyHeartbeats(manager: EntityManager, latest: HeartbeatState[]): Promise<StatusChange[]> {
    if (latest.length === 0) return [];
    const [rows] = (await manager.query(
      `WITH latest AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) AS l(device_id, status, received_at, current_commit_hash)
       ), prev AS (
         SELECT d.device_id, d.status FROM devices d JOIN latest l ON l.device_id = d.device_id
          WHERE d.last_seen IS NULL OR d.last_seen < l.received_at
          ORDER BY d.device_id FOR NO KEY UPDATE OF d
       )
       UPDATE devices d SET
         last_seen = l.received_at,
         status = l.status,
         current_commit_hash = COALESCE(l.current_commit_hash, d.current_commit_hash),
         updated_at = now()
         FROM latest l, prev p
        WHERE d.device_id = l.device_id AND p.device_id = d.device_id
          AND (d.last_seen IS NULL OR d.last_seen < l.received_at)
       RETURNING d.device_id, p.status AS previous_status, d.status, d.last_seen`,
      [latest.map((h) => h.device_id), latest.map((h) => h.status), latest.map((h) => h.received_at), latest.map((h) => h.current_commit_hash)],
    )) as [StatusChangeRow[], number];
    return rows;
  }

  /**
   * Marks offline, in one statement, up to `limit` devices last seen before `cutoff` that are
   * neither offline already nor in maintenance. Rows another transaction holds (a heartbeat being
   * written, another replica's sweep) are skipped, and an offline device no longer matches: two
   * sweepers never announce the same device twice.
   */
  async markOverdueOffline(manager: EntityManager, cutoff: Date, limit: number): Promise<StatusChange[]> {
    const [rows] = (await manager.query(
      `WITH due AS (
         SELECT device_id, status FROM devices
          WHERE last_seen < $1 AND status <> 'offline' AND NOT maintenance_mode
          ORDER BY last_seen LIMIT $2
          FOR NO KEY UPDATE SKIP LOCKED
       )
       UPDATE devices d SET status = 'offline', updated_at = now()
         FROM due WHERE d.device_id = due.device_id
       RETURNING d.device_id, due.status AS previous_status, d.status, d.last_seen`,
      [cutoff, limit],
    )) as [StatusChangeRow[], number];
    return rows;
  }

  /** The devices a rollout of this scope covers, with only what decides whether it targets them. */
  findInScope(scope: { segment: DeviceSegment | null; branch: string | null }, manager: EntityManager = this.devices.manager): Promise<TargetingFields[]> {
    return manager.find(Device, {
      select: { device_id: true, segment: true, branch: true, current_commit_hash: true, maintenance_mode: true, update_enabled: true, version_lock: true },
      where: scope.segment !== null ? { segment: scope.segment } : { branch: scope.branch ?? '' },
    });
  }
}
