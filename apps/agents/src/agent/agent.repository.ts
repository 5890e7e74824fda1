import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AgentStatus } from '@proctor/contracts';
import { applyKeyset, pgPoolOf } from '@proctor/persistence';
import { EntityManager, Repository } from 'typeorm';
import { Agent } from './agent.entity';
import { LookupBatch } from './lookup-batch';

/** An agent after a presence change, with the status it had before (read under the row's lock). */
export interface AgentChange {
  agent: Agent;
  previousStatus: AgentStatus;
}

export interface RegistrationChanges {
  /** Replaces the stored capabilities when present. */
  capabilities?: Record<string, unknown>;
  /** Merged into the stored labels: the daemon's value wins for each key it sends. */
  labels?: Record<string, string>;
  daemonVersion?: string;
}

type ChangedRow = Agent & { previous_status: AgentStatus };

/** TypeORM answers an UPDATE ... RETURNING with `[rows, count]`, anything else with the rows. */
function rowsOf<T>(result: unknown): T[] {
  const rows = result as unknown[];
  return Array.isArray(rows[0]) ? (rows[0] as T[]) : (rows as T[]);
}

/**
 * The hottest read of the service, for the ids asked for in one turn (`LookupBatch`), as a named
 * prepared statement: each pooled connection parses and plans it once, then only binds the ids. The
 * columns are listed (not `*`) so that a column added by a later migration cannot change the result
 * type of a statement already prepared. Callers pass validated UUIDs (an id Postgres cannot read as
 * one would fail the whole batch).
 */
const FIND_BY_IDS = {
  name: 'agents_find_by_ids',
  text: 'SELECT id, name, key_sha256, status, labels, capabilities, daemon_version, last_heartbeat, created_at, updated_at, presence_seq FROM agents WHERE id = ANY($1::uuid[])',
};

@Injectable()
export class AgentRepository {
  private readonly byId = new LookupBatch<string, Agent>(async (ids) => {
    const { rows } = await pgPoolOf(this.agents.manager.connection).query<Agent>({ ...FIND_BY_IDS, values: [ids] });
    return new Map(rows.map((row) => [row.id, row]));
  });

  constructor(@InjectRepository(Agent) private readonly agents: Repository<Agent>) {}


  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.agents.manager.transaction(work);
  }

  /** A row as pg gives it (dates as Date, jsonb parsed): what TypeORM's hydration would hold, without its cost. */
  async findById(id: string): Promise<Agent | null> {
    // Postgres answers ids in lower case: a caller's upper-case UUID must still find its row.
    return (await this.byId.get(id.toLowerCase())) ?? null;
  }

  /** What authentication needs of an agent, by its unique name. */
  async findKeyByName(name: string): Promise<Pick<Agent, 'id' | 'name' | 'key_sha256'> | null> {
    const rows: Pick<Agent, 'id' | 'name' | 'key_sha256'>[] = await this.agents.query('SELECT id, name, key_sha256 FROM agents WHERE name = $1', [name]);
    return rows[0] ?? null;
  }

  /** Inserts unless the name is taken; returns null when it is. */
  async insertIfNameFree(manager: EntityManager, agent: Pick<Agent, 'name' | 'key_sha256' | 'labels'>): Promise<Agent | null> {
    const rows: Agent[] = await manager.query(
      `INSERT INTO agents (name, key_sha256, labels) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO NOTHING RETURNING *`,
      [agent.name, agent.key_sha256, agent.labels],
    );
    return rows[0] ? manager.create(Agent, rows[0]) : null;
  }

  async deleteById(manager: EntityManager, id: string): Promise<Agent | null> {
    const agent = await manager.findOneBy(Agent, { id });
    if (!agent) return null;
    await manager.delete(Agent, { id });
    return agent;
  }

  /** One page, newest first, optionally of one status; `size + 1` rows to tell if more follow. */
  listPage(filter: { status?: AgentStatus }, cursor: string | undefined, size: number): Promise<Agent[]> {
    const qb = this.agents.createQueryBuilder('a');
    if (filter.status) qb.where('a.status = :status', { status: filter.status });
    return applyKeyset(qb, { alias: 'a', timeColumn: 'created_at', idColumn: 'id', cursor, size }).getMany();
  }

  /** A daemon registered: online, beat now, what it reported stored. Null when no such agent. */
  register(manager: EntityManager, id: string, changes: RegistrationChanges): Promise<AgentChange | null> {
    return this.change(
      manager,
      id,
      `status = 'online', last_heartbeat = now(), updated_at = now(),
       capabilities = COALESCE($2::jsonb, a.capabilities),
       labels = a.labels || COALESCE($3::jsonb, '{}'::jsonb),
       daemon_version = COALESCE($4, a.daemon_version)`,
      [changes.capabilities ?? null, changes.labels ?? null, changes.daemonVersion ?? null],
    );
  }

  /**
   * A heartbeat: online, beat now, capabilities it re-verified merged in. `updated_at` moves only
   * when something but the beat changed, so that it keeps meaning something.
   */
  heartbeat(manager: EntityManager, id: string, capabilities: Record<string, unknown> | undefined): Promise<AgentChange | null> {
    return this.change(
      manager,
      id,
      `status = 'online', last_heartbeat = now(),
       capabilities = a.capabilities || COALESCE($2::jsonb, '{}'::jsonb),
       updated_at = CASE WHEN prev.status <> 'online' OR $2::jsonb IS NOT NULL THEN now() ELSE a.updated_at END`,
      [capabilities ?? null],
    );
  }

  /** The daemon said goodbye: offline at once, its last word counted as its last beat. */
  disconnect(manager: EntityManager, id: string): Promise<AgentChange | null> {
    return this.change(manager, id, `status = 'offline', last_heartbeat = now(), updated_at = now()`, []);
  }

  /**
   * Locks the row, remembers its status, applies `set` (`$1` is the id, parameters follow): the
   * previous status is the one committed last, so each transition is seen by exactly one writer.
   */
  private async change(manager: EntityManager, id: string, set: string, params: unknown[]): Promise<AgentChange | null> {
    const result: unknown = await manager.query(
      `WITH prev AS (SELECT id, status FROM agents WHERE id = $1 FOR UPDATE)
       UPDATE agents a SET ${set}, presence_seq = a.presence_seq + 1 FROM prev WHERE a.id = prev.id
       RETURNING a.*, prev.status AS previous_status`,
      [id, ...params],
    );
    const row = rowsOf<ChangedRow>(result)[0];
    if (!row) return null;
    const { previous_status: previousStatus, ...agent } = row;
    return { agent: manager.create(Agent, agent), previousStatus };
  }

  /**
   * The offline marker's one statement: every online agent silent past the threshold (by the
   * database's clock, which all replicas share) goes offline. Row locks make two replicas sweeping
   * at once mark each agent once.
   */
  async markSilentOffline(manager: EntityManager, offlineAfterSeconds: number): Promise<Pick<Agent, 'id' | 'name' | 'last_heartbeat' | 'presence_seq'>[]> {
    const result: unknown = await manager.query(
      `UPDATE agents SET status = 'offline', updated_at = now(), presence_seq = presence_seq + 1
       WHERE status = 'online' AND (last_heartbeat IS NULL OR last_heartbeat < now() - make_interval(secs => $1))
       RETURNING id, name, last_heartbeat, presence_seq`,
      [offlineAfterSeconds],
    );
    return rowsOf(result);
  }

  /** Reports seen from these agents: a sign of life for those online (coming back takes a heartbeat). */
  async touchOnline(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result: unknown = await this.agents.query(
      `UPDATE agents SET last_heartbeat = GREATEST(last_heartbeat, now())
       WHERE id = ANY($1::uuid[]) AND status = 'online' RETURNING id`,
      [ids],
    );
    return rowsOf(result).length;
  }
}
