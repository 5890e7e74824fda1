import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Writes of the agent directory, each inside the caller's (inbox) transaction. */
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

  /** Marks an agent deleted, recording it even when its `created` has not arrived yet. */
  async markDeleted(manager: EntityManager, entry: { agent_id: string; name: string }): Promise<void> {
    await manager.query(
      `INSERT INTO agent_directory (agent_id, name, deleted_at) VALUES ($1, $2, now())
       ON CONFLICT (agent_id) DO UPDATE SET deleted_at = COALESCE(agent_directory.deleted_at, EXCLUDED.deleted_at)`,
      [entry.agent_id, entry.name],
    );
  }
}
