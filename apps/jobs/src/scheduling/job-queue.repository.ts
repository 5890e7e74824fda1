import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Job } from '../job/job.entity';
import { QueuedJob } from './job-assignment-plan';

/** The queue side of `jobs`: what waits, and the conditional update that offers a job to an agent. */
@Injectable()
export class JobQueueRepository {
  constructor(@InjectRepository(Job) private readonly jobs: Repository<Job>) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.jobs.manager.transaction(work);
  }

  /**
   * Serializes dispatch cycles across replicas until the transaction ends: two cycles counting an
   * agent's free slots at once could both fill them. Keyed by schema, so installations sharing a
   * database do not wait on each other.
   */
  async lockDispatch(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.job-dispatch'))`);
  }

  /** The head of the queue, in the dispatcher's order (the partial index `jobs_queue_idx`). */
  head(manager: EntityManager, limit: number): Promise<QueuedJob[]> {
    return manager.query(`SELECT id, priority, created_at FROM jobs WHERE status = 'queued' ORDER BY priority DESC, created_at, id LIMIT $1`, [limit]);
  }

  /** Offers a still-queued job to an agent as a new attempt; null when it is no longer queued (canceled meanwhile). */
  async offer(manager: EntityManager, jobId: string, agentId: string): Promise<{ id: string; agent_id: string; attempt: number } | null> {
    const [rows]: [{ id: string; agent_id: string; attempt: number }[], number] = await manager.query(
      `UPDATE jobs SET status = 'assigned', agent_id = $2, attempt = attempt + 1, assigned_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'queued'
        RETURNING id, agent_id, attempt`,
      [jobId, agentId],
    );
    return rows[0] ?? null;
  }

  async countQueued(): Promise<number> {
    const [{ count }]: { count: string }[] = await this.jobs.query(`SELECT count(*) FROM jobs WHERE status = 'queued'`);
    return Number(count);
  }
}
