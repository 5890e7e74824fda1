import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { HeartbeatMessage } from '@proctor/contracts';
import { applyKeyset } from '@proctor/persistence';
import { EntityManager, Repository } from 'typeorm';
import { DeviceHeartbeat } from './device-heartbeat.entity';

/** What became of each heartbeat of a batch. */
export interface HeartbeatOutcome {
  heartbeat_id: string;
  /** Its device exists (a heartbeat for an unknown device is not written). */
  known: boolean;
  /** Written now; false for one written before (a redelivery). */
  inserted: boolean;
}

@Injectable()
export class HeartbeatRepository {
  constructor(@InjectRepository(DeviceHeartbeat) private readonly heartbeats: Repository<DeviceHeartbeat>) {}

  /**
   * Writes a batch into the history in one statement. Columns travel as one array each (unnest):
   * the statement has the same eleven parameters whatever the batch size, so Postgres plans it once
   * and no batch can hit the 65,535-parameter limit of a VALUES list. heartbeat_id de-duplicates.
   */
  insertNew(manager: EntityManager, batch: HeartbeatMessage[]): Promise<HeartbeatOutcome[]> {
    return manager.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::real[], $5::real[], $6::real[], $7::real[],
                              $8::integer[], $9::integer[], $10::text[], $11::timestamptz[])
           AS h(heartbeat_id, device_id, status, cpu_percent, memory_percent, disk_percent, temperature,
                containers_running, containers_failed, current_commit_hash, received_at)
       ), known AS (
         SELECT input.* FROM input JOIN devices d ON d.device_id = input.device_id
       ), written AS (
         INSERT INTO device_heartbeats (heartbeat_id, device_id, status, cpu_percent, memory_percent, disk_percent, temperature,
                                        containers_running, containers_failed, current_commit_hash, received_at)
         SELECT * FROM known
         ON CONFLICT (heartbeat_id) DO NOTHING
         RETURNING heartbeat_id
       )
       SELECT input.heartbeat_id::text AS heartbeat_id,
              known.heartbeat_id IS NOT NULL AS known,
              written.heartbeat_id IS NOT NULL AS inserted
         FROM input
         LEFT JOIN known ON known.heartbeat_id = input.heartbeat_id
         LEFT JOIN written ON written.heartbeat_id = input.heartbeat_id`,
      [
        batch.map((h) => h.heartbeat_id),
        batch.map((h) => h.device_id),
        batch.map((h) => h.status),
        batch.map((h) => h.cpu_percent ?? null),
        batch.map((h) => h.memory_percent ?? null),
        batch.map((h) => h.disk_percent ?? null),
        batch.map((h) => h.temperature ?? null),
        batch.map((h) => h.containers_running ?? null),
        batch.map((h) => h.containers_failed ?? null),
        batch.map((h) => h.current_commit_hash ?? null),
        batch.map((h) => h.received_at),
      ],
    );
  }

  /**
   * Deletes up to `limit` heartbeats received before `cutoff`, oldest first, by the received_at
   * index. Rows another replica is deleting are skipped rather than waited for.
   */
  async deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
    const [, deleted] = (await this.heartbeats.query(
      `DELETE FROM device_heartbeats WHERE heartbeat_id IN (
         SELECT heartbeat_id FROM device_heartbeats WHERE received_at < $1
          ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [cutoff, limit],
    )) as [unknown, number];
    return deleted;
  }

  /** One page of a device's history, newest first; `size + 1` rows to tell if more follow. */
  listPage(deviceId: string, cursor: string | undefined, size: number): Promise<DeviceHeartbeat[]> {
    const qb = this.heartbeats.createQueryBuilder('h').where('h.device_id = :deviceId', { deviceId });
    return applyKeyset(qb, { alias: 'h', timeColumn: 'received_at', idColumn: 'heartbeat_id', cursor, size }).getMany();
  }
}
