import { Injectable } from '@nestjs/common';
import { AgentCapabilities } from '@proctor/contracts';
import { EntityManager } from 'typeorm';

/** An event applies unless both sides carry a presence_seq and the stored one is as new or newer. */
const NEWER_PRESENCE = `agent_directory.presence_seq IS NULL OR EXCLUDED.presence_seq IS NULL OR agent_directory.presence_seq < EXCLUDED.presence_seq`;

/**
 * The agent directory (a read model of the agents service's events); writes inside the caller's
 * (inbox) transaction. Online and offline events are handled concurrently: one older (by
 * `presence_seq`) than the last applied is stale and changes nothing.
 */
@Injectable()
export class AgentDirectoryRepository {
  /** Inserts or refreshes an agent; never clears `deleted_at`, so a late `created` cannot revive a deleted agent. */
  async upsert(manager: EntityManager, entry: { agent_id: string; name: string; labels: Record<string, string> }): Promise<void> {
    await manager.query(
      `INSERT INTO agent_directory (agent_id, name, labels) VALUES ($1, $2, $3)
       ON CONFLICT (agent_id) DO UPDATE SET name = EXCLUDED.name, labels = EXCLUDED.labels`,
      [entry.agent_id, entry.name, entry.labels],
    );
  }

  /**
   * Records what an agent announced on coming online; capabilities it did not send are kept as they
   * were. Returns false when the event is stale (a newer session's addresses are kept).
   */
  async upsertOnline(manager: EntityManager, entry: { agent_id: string; name: string; capabilities: AgentCapabilities | null; presence_seq?: number }): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO agent_directory (agent_id, name, capabilities, presence_seq) VALUES ($1, $2, $3, $4)
       ON CONFLICT (agent_id) DO UPDATE SET
         name = EXCLUDED.name,
         capabilities = COALESCE(EXCLUDED.capabilities, agent_directory.capabilities),
         presence_seq = COALESCE(EXCLUDED.presence_seq, agent_directory.presence_seq)
       WHERE ${NEWER_PRESENCE}
       RETURNING agent_id`,
      [entry.agent_id, entry.name, entry.capabilities, entry.presence_seq ?? null],
    );
    return rows.length > 0;
  }

  /** Records an offline event's presence_seq; false when it is stale (the agent has been online again since). */
  async noteOffline(manager: EntityManager, entry: { agent_id: string; name: string; presence_seq?: number }): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO agent_directory (agent_id, name, presence_seq) VALUES ($1, $2, $3)
       ON CONFLICT (agent_id) DO UPDATE SET presence_seq = COALESCE(EXCLUDED.presence_seq, agent_directory.presence_seq)
       WHERE ${NEWER_PRESENCE}
       RETURNING agent_id`,
      [entry.agent_id, entry.name, entry.presence_seq ?? null],
    );
    return rows.length > 0;
  }

  /** Marks an agent deleted, recording it even when its `created` has not arrived yet. */
  async markDeleted(manager: EntityManager, entry: { agent_id: string; name: string }): Promise<void> {
    await manager.query(
      `INSERT INTO agent_directory (agent_id, name, deleted_at) VALUES ($1, $2, now())
       ON CONFLICT (agent_id) DO UPDATE SET deleted_at = COALESCE(agent_directory.deleted_at, EXCLUDED.deleted_at)`,
      [entry.agent_id, entry.name],
    );
  }

  /** Which of these agents the directory knows and that are not deleted. */
  async knownAgentIds(manager: EntityManager, agentIds: string[]): Promise<Set<string>> {
    const rows: { agent_id: string }[] = await manager.query(
      `SELECT agent_id FROM agent_directory WHERE agent_id = ANY($1) AND deleted_at IS NULL`,
      [agentIds],
    );
    return new Set(rows.map((r) => r.agent_id));
  }

  async capabilitiesOf(manager: EntityManager, agentIds: string[]): Promise<Map<string, AgentCapabilities | null>> {
    if (agentIds.length === 0) return new Map();
    const rows: { agent_id: string; capabilities: AgentCapabilities | null }[] = await manager.query(
      `SELECT agent_id, capabilities FROM agent_directory WHERE agent_id = ANY($1)`,
      [agentIds],
    );
    return new Map(rows.map((r) => [r.agent_id, r.capabilities]));
  }
}
