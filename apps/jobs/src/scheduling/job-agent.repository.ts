import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AgentSlots } from './job-assignment-plan';
import { DockerCapacity } from './job-agent-capacity';

/**
 * The jobs service's read model of lab agents (`job_agents`), written inside the caller's (inbox)
 * transaction. A deleted agent keeps its row with `deleted_at`, so that a late event cannot revive it.
 * Online and offline events are handled concurrently: one older (by `presence_seq`) than the last
 * applied changes nothing, so an agent that went offline and came back quickly stays online.
 */
/** An event applies unless both sides carry a presence_seq and the stored one is as new or newer. */
const NEWER_PRESENCE = `job_agents.presence_seq IS NULL OR EXCLUDED.presence_seq IS NULL OR job_agents.presence_seq < EXCLUDED.presence_seq`;

@Injectable()
export class JobAgentRepository {
  async upsertCreated(manager: EntityManager, agent: { agent_id: string; name: string }): Promise<void> {
    await manager.query(
      `INSERT INTO job_agents (agent_id, name) VALUES ($1, $2)
       ON CONFLICT (agent_id) DO UPDATE SET name = EXCLUDED.name, updated_at = now()`,
      [agent.agent_id, agent.name],
    );
  }

  /**
   * Online with what it announced; capacity null (no capabilities sent) keeps what was known.
   * Returns false when the event is stale (nothing changed).
   */
  async upsertOnline(
    manager: EntityManager,
    agent: { agent_id: string; name: string; capacity: DockerCapacity | null; defaultMaxJobs: number; presence_seq?: number },
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO job_agents (agent_id, name, online, docker, max_jobs, presence_seq) VALUES ($1, $2, true, COALESCE($3::boolean, false), COALESCE($4::int, $5::int), $6)
       ON CONFLICT (agent_id) DO UPDATE SET
         name = EXCLUDED.name,
         online = true,
         docker = COALESCE($3::boolean, job_agents.docker),
         max_jobs = COALESCE($4::int, job_agents.max_jobs),
         presence_seq = COALESCE(EXCLUDED.presence_seq, job_agents.presence_seq),
         updated_at = now()
       WHERE ${NEWER_PRESENCE}
       RETURNING agent_id`,
      [agent.agent_id, agent.name, agent.capacity?.docker ?? null, agent.capacity?.max_jobs ?? null, agent.defaultMaxJobs, agent.presence_seq ?? null],
    );
    return rows.length > 0;
  }

  /** Returns false when the event is stale (nothing changed): the agent has been back since. */
  async markOffline(manager: EntityManager, agent: { agent_id: string; name: string; presence_seq?: number }): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO job_agents (agent_id, name, online, presence_seq) VALUES ($1, $2, false, $3)
       ON CONFLICT (agent_id) DO UPDATE SET online = false, presence_seq = COALESCE(EXCLUDED.presence_seq, job_agents.presence_seq), updated_at = now()
       WHERE ${NEWER_PRESENCE}
       RETURNING agent_id`,
      [agent.agent_id, agent.name, agent.presence_seq ?? null],
    );
    return rows.length > 0;
  }

  /** Recorded even when its `created` has not arrived yet. */
  async markDeleted(manager: EntityManager, agent: { agent_id: string; name: string }): Promise<void> {
    await manager.query(
      `INSERT INTO job_agents (agent_id, name, online, deleted_at) VALUES ($1, $2, false, now())
       ON CONFLICT (agent_id) DO UPDATE SET online = false, deleted_at = COALESCE(job_agents.deleted_at, now()), updated_at = now()`,
      [agent.agent_id, agent.name],
    );
  }

  /** The agent's name for messages people read; its id when the read model does not know it. */
  async nameOf(manager: EntityManager, agentId: string): Promise<string> {
    const rows: { name: string }[] = await manager.query(`SELECT name FROM job_agents WHERE agent_id = $1`, [agentId]);
    return rows[0]?.name ?? agentId;
  }

  /** Online agents with Docker that are not deleted, with the jobs each holds (assigned or running). */
  async dockerAgentsWithLoad(manager: EntityManager): Promise<AgentSlots[]> {
    const rows: { agent_id: string; max_jobs: number; active: string }[] = await manager.query(
      `SELECT a.agent_id, a.max_jobs,
              (SELECT count(*) FROM jobs j WHERE j.agent_id = a.agent_id AND j.status IN ('assigned', 'running')) AS active
         FROM job_agents a
        WHERE a.online AND a.docker AND a.deleted_at IS NULL`,
    );
    return rows.map((r) => ({ agent_id: r.agent_id, max_jobs: r.max_jobs, active: Number(r.active) }));
  }
}
