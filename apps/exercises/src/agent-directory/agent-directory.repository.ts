import { Injectable } from '@nestjs/common';
import { AgentCapabilities } from '@proctor/contracts';
import { EntityManager } from 'typeorm';

/** The agent directory (a read model of the agents service's events); writes inside the caller's (inbox) transaction. */
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

  /** Records what an agent announced on coming online; capabilities it did not send are kept as they were. */
  async upsertOnline(manager: EntityManager, entry: { agent_id: string; name: string; capabilities: AgentCapabilities | null }): Promise<void> {
    await manager.query(
      `INSERT INTO agent_directory (agent_id, name, capabilities) VALUES ($1, $2, $3)
       ON CONFLICT (agent_id) DO UPDATE SET name = EXCLUDED.name, capabilities = COALESCE(EXCLUDED.capabilities, agent_directory.capabilities)`,
      [entry.agent_id, entry.name, entry.capabilities],
    );
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
