import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DeviceSegment, RolloutDeviceState, RolloutStatus } from '@proctor/contracts';
import { applyKeyset } from '@proctor/persistence';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import { HealthFacts, RolloutTally } from './rollout-health';
import { Rollout } from './rollout.entity';

export type NewRollout = Pick<
  Rollout,
  'target_commit' | 'segment' | 'branch' | 'failure_threshold' | 'health_window_seconds' | 'pending_deadline_seconds' | 'promoted_from' | 'skipped_count'
>;

export interface DeviceHealthFacts extends HealthFacts {
  device_id: string;
  reported_at: Date;
}

export type RolloutDeviceTally = RolloutTally & { targeted: number };

type TallyRow = RolloutDeviceTally & { rollout_id: string };

@Injectable()
export class RolloutRepository {
  constructor(@InjectRepository(Rollout) private readonly rollouts: Repository<Rollout>) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.rollouts.manager.transaction(work);
  }

  findById(id: string, manager: EntityManager = this.rollouts.manager): Promise<Rollout | null> {
    return manager.findOneBy(Rollout, { id });
  }

  /**
   * The rollout, locked until the transaction ends. FOR NO KEY UPDATE: reports still insert their
   * rollout_devices rows meanwhile (their foreign key check takes only a key share lock).
   */
  findForUpdate(manager: EntityManager, id: string): Promise<Rollout | null> {
    return manager.findOne(Rollout, { where: { id }, lock: { mode: 'for_no_key_update' } });
  }

  /** The active rollout, locked; null when it is no longer active or another replica reviews it now. */
  lockActiveSkipLocked(manager: EntityManager, id: string): Promise<Rollout | null> {
    return manager.findOne(Rollout, { where: { id, status: 'active' }, lock: { mode: 'for_no_key_update', onLocked: 'skip_locked' } });
  }

  async activeIds(): Promise<string[]> {
    const rows = await this.rollouts.find({ select: { id: true }, where: { status: 'active' } });
    return rows.map((r) => r.id);
  }

  findActiveForScope(scope: { segment: DeviceSegment | null; branch: string | null }, manager: EntityManager = this.rollouts.manager): Promise<Rollout | null> {
    return scope.segment !== null
      ? manager.findOneBy(Rollout, { status: 'active', segment: scope.segment })
      : manager.findOneBy(Rollout, { status: 'active', branch: scope.branch ?? '' });
  }

  /** The latest rollout of a device's segment and the latest of its branch, at most two (a small table). */
  async findLatestOfScopes(device: { segment: DeviceSegment; branch: string }, manager: EntityManager = this.rollouts.manager): Promise<Rollout[]> {
    const rows: Rollout[] = await manager.query(
      `(SELECT * FROM rollouts WHERE segment = $1 ORDER BY created_at DESC, id DESC LIMIT 1)
       UNION ALL
       (SELECT * FROM rollouts WHERE branch = $2 ORDER BY created_at DESC, id DESC LIMIT 1)`,
      [device.segment, device.branch],
    );
    return rows.map((row) => manager.create(Rollout, row));
  }

  /** Inserts an active rollout; null when its segment or branch has an active one already (the unique index decides). */
  async insertActive(manager: EntityManager, rollout: NewRollout): Promise<Rollout | null> {
    try {
      const rows: Rollout[] = await manager.query(
        `INSERT INTO rollouts (target_commit, segment, branch, failure_threshold, health_window_seconds, pending_deadline_seconds, promoted_from, skipped_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [
          rollout.target_commit,
          rollout.segment,
          rollout.branch,
          rollout.failure_threshold,
          rollout.health_window_seconds,
          rollout.pending_deadline_seconds,
          rollout.promoted_from,
          rollout.skipped_count,
        ],
      );
      return manager.create(Rollout, rows[0]);
    } catch (e) {
      if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23505') return null;
      throw e;
    }
  }

  async setStatus(manager: EntityManager, id: string, status: RolloutStatus, haltReason: string | null = null): Promise<Rollout> {
    await manager.update(Rollout, { id }, { status, halt_reason: haltReason, updated_at: () => 'now()' });
    return manager.findOneByOrFail(Rollout, { id });
  }

  /** The devices a new rollout targets, pending, in one statement. */
  async insertPending(manager: EntityManager, rolloutId: string, deviceIds: string[]): Promise<void> {
    if (deviceIds.length === 0) return;
    await manager.query(`INSERT INTO rollout_devices (rollout_id, device_id) SELECT $1, unnest($2::text[])`, [rolloutId, deviceIds]);
  }

  /**
   * A device reported its update to the rollout's target: its state now, and its health window
   * starting afresh. A device the rollout did not list (it joined the segment later) is added.
   */
  async recordReport(manager: EntityManager, rolloutId: string, deviceId: string, state: RolloutDeviceState): Promise<void> {
    await manager.query(
      `INSERT INTO rollout_devices (rollout_id, device_id, state, reported_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (rollout_id, device_id) DO UPDATE SET
         state = EXCLUDED.state, reported_at = now(), health_confirmed_at = NULL, updated_at = now()`,
      [rolloutId, deviceId, state],
    );
  }

  async expirePending(manager: EntityManager, rolloutId: string): Promise<number> {
    const [, count] = (await manager.query(
      `UPDATE rollout_devices SET state = 'expired', updated_at = now() WHERE rollout_id = $1 AND state = 'pending'`,
      [rolloutId],
    )) as [unknown, number];
    return count;
  }

  /**
   * For each updated device whose health window has not been judged yet: whether, within the window,
   * it went offline, reported failed, or had containers failing (read from its events and history).
   */
  healthFacts(manager: EntityManager, rollout: Pick<Rollout, 'id' | 'health_window_seconds'>): Promise<DeviceHealthFacts[]> {
    return manager.query(
      `SELECT rd.device_id, rd.reported_at,
              EXISTS (SELECT 1 FROM device_events e
                       WHERE e.device_id = rd.device_id AND e.event_type = 'offline'
                         AND e.created_at >= rd.reported_at AND e.created_at <= rd.reported_at + $2 * interval '1 second') AS went_offline,
              COALESCE(hb.reported_failed, false) AS reported_failed,
              COALESCE(hb.max_containers_failed, 0)::int AS max_containers_failed
         FROM rollout_devices rd
         LEFT JOIN LATERAL (
           SELECT bool_or(h.status = 'failed') AS reported_failed, max(h.containers_failed) AS max_containers_failed
             FROM device_heartbeats h
            WHERE h.device_id = rd.device_id
              AND h.received_at >= rd.reported_at AND h.received_at <= rd.reported_at + $2 * interval '1 second'
         ) hb ON true
        WHERE rd.rollout_id = $1 AND rd.state = 'succeeded' AND rd.health_confirmed_at IS NULL`,
      [rollout.id, rollout.health_window_seconds],
    );
  }

  /** Devices that turned unhealthy; only those still counted as succeeded change (returned). */
  async markUnhealthy(manager: EntityManager, rolloutId: string, deviceIds: string[]): Promise<string[]> {
    if (deviceIds.length === 0) return [];
    const [rows] = (await manager.query(
      `UPDATE rollout_devices SET state = 'unhealthy', updated_at = now()
        WHERE rollout_id = $1 AND device_id = ANY($2::text[]) AND state = 'succeeded' RETURNING device_id`,
      [rolloutId, deviceIds],
    )) as [{ device_id: string }[], number];
    return rows.map((r) => r.device_id);
  }

  async confirmHealthy(manager: EntityManager, rolloutId: string, deviceIds: string[]): Promise<void> {
    if (deviceIds.length === 0) return;
    await manager.query(
      `UPDATE rollout_devices SET health_confirmed_at = now(), updated_at = now()
        WHERE rollout_id = $1 AND device_id = ANY($2::text[]) AND state = 'succeeded'`,
      [rolloutId, deviceIds],
    );
  }

  /** Where each device of each rollout stands, counted; one statement for a whole page of rollouts. */
  async tallies(rolloutIds: string[], manager: EntityManager = this.rollouts.manager): Promise<Map<string, RolloutDeviceTally>> {
    const rows: TallyRow[] = await manager.query(
      `SELECT rollout_id,
              count(*)::int AS targeted,
              (count(*) FILTER (WHERE state = 'pending'))::int AS pending,
              (count(*) FILTER (WHERE state = 'succeeded'))::int AS succeeded,
              (count(*) FILTER (WHERE state = 'failed'))::int AS failed,
              (count(*) FILTER (WHERE state = 'unhealthy'))::int AS unhealthy,
              (count(*) FILTER (WHERE state = 'expired'))::int AS expired,
              (count(*) FILTER (WHERE state = 'succeeded' AND health_confirmed_at IS NULL))::int AS watching
         FROM rollout_devices WHERE rollout_id = ANY($1::uuid[]) GROUP BY rollout_id`,
      [rolloutIds],
    );
    const empty = { targeted: 0, pending: 0, succeeded: 0, failed: 0, unhealthy: 0, expired: 0, watching: 0 };
    const byId = new Map(rows.map(({ rollout_id, ...tally }) => [rollout_id, tally]));
    return new Map(rolloutIds.map((id) => [id, byId.get(id) ?? empty]));
  }

  /** One page, newest first, optionally of one status; `size + 1` rows to tell if more follow. */
  listPage(filter: { status?: RolloutStatus }, cursor: string | undefined, size: number): Promise<Rollout[]> {
    const qb = this.rollouts.createQueryBuilder('r');
    if (filter.status) qb.where('r.status = :status', { status: filter.status });
    return applyKeyset(qb, { alias: 'r', timeColumn: 'created_at', idColumn: 'id', cursor, size }).getMany();
  }
}
