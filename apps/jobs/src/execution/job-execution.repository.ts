import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ClaimJobMessage } from '@proctor/contracts';
import { EntityManager, Repository } from 'typeorm';
import { Job } from '../job/job.entity';
import { JobEnding } from './job-ending';

/** TypeORM answers an UPDATE ... RETURNING with [rows, affected]. */
type Returned = [Record<string, unknown>[], number];

/**
 * A job's run: claims, finishes, requeues and cancels as conditional updates (on its status and
 * attempt), so that whatever comes late or twice (a report, a claim, a sweep) changes nothing.
 */
@Injectable()
export class JobExecutionRepository {
  constructor(@InjectRepository(Job) private readonly jobs: Repository<Job>) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.jobs.manager.transaction(work);
  }

  findById(id: string): Promise<Job | null> {
    return this.jobs.findOneBy({ id });
  }

  async lock(manager: EntityManager, id: string): Promise<Job | null> {
    const rows: Record<string, unknown>[] = await manager.query(`SELECT * FROM jobs WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? this.toJob(rows[0]) : null;
  }

  /** What an agent holds: its jobs offered or running, locked. */
  async lockActiveOfAgent(manager: EntityManager, agentId: string): Promise<Job[]> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT * FROM jobs WHERE agent_id = $1 AND status IN ('assigned', 'running') ORDER BY created_at, id FOR UPDATE`,
      [agentId],
    );
    return rows.map((row) => this.toJob(row));
  }

  /** assigned → running, only for the agent it was offered to and that offer's attempt (the caller holds the row's lock). */
  async claim(manager: EntityManager, claim: ClaimJobMessage): Promise<Job> {
    const [rows]: Returned = await manager.query(
      `UPDATE jobs SET status = 'running', start_time = now(), updated_at = now()
        WHERE id = $1 AND agent_id = $2 AND attempt = $3 AND status = 'assigned'
        RETURNING *`,
      [claim.job_id, claim.agent_id, claim.attempt],
    );
    return this.toJob(rows[0]);
  }

  /**
   * Ends the job's current attempt, unless it has ended or moved on meanwhile (null then). Without
   * a last chunk from the agent, the last one stored for the attempt is the end of its log.
   */
  async finish(manager: EntityManager, job: Pick<Job, 'id' | 'attempt'>, ending: JobEnding): Promise<Job | null> {
    const [rows]: Returned = await manager.query(
      `UPDATE jobs SET
         status = $3, success = $4, reason = $5, exit_code = $6,
         last_seq = COALESCE($7, (SELECT max(seq) FROM job_logs l WHERE l.job_id = jobs.id AND l.attempt = jobs.attempt), 0),
         stopped = $8, end_time = now(), updated_at = now()
        WHERE id = $1 AND attempt = $2 AND status IN ('queued', 'assigned', 'running')
        RETURNING *`,
      [job.id, job.attempt, ending.status, ending.success, ending.reason, ending.exit_code, ending.last_seq, ending.stopped],
    );
    return rows[0] ? this.toJob(rows[0]) : null;
  }

  /** Back to the queue from an offer or a run of this attempt; the next offer is a new attempt. */
  async requeue(manager: EntityManager, job: Pick<Job, 'id' | 'attempt'>): Promise<Job | null> {
    const [rows]: Returned = await manager.query(
      `UPDATE jobs SET status = 'queued', agent_id = NULL, assigned_at = NULL, start_time = NULL, cancel_acknowledged_at = NULL, updated_at = now()
        WHERE id = $1 AND attempt = $2 AND status IN ('assigned', 'running')
        RETURNING *`,
      [job.id, job.attempt],
    );
    return rows[0] ? this.toJob(rows[0]) : null;
  }

  /** A running job is to stop; the first request's time and words stay. */
  async requestCancel(manager: EntityManager, id: string, reason: string): Promise<Job> {
    const [rows]: Returned = await manager.query(
      `UPDATE jobs SET cancel_requested_at = COALESCE(cancel_requested_at, now()), reason = COALESCE(reason, $2), updated_at = now()
        WHERE id = $1 AND status = 'running'
        RETURNING *`,
      [id, reason],
    );
    return this.toJob(rows[0]);
  }

  async acknowledgeCancel(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE jobs SET cancel_acknowledged_at = COALESCE(cancel_acknowledged_at, now()), updated_at = now() WHERE id = $1`, [id]);
  }

  /** Offers not claimed within `seconds`, locked (others' skipped). */
  async lockExpiredOffers(manager: EntityManager, seconds: number, limit: number): Promise<Job[]> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT * FROM jobs WHERE status = 'assigned' AND assigned_at < now() - make_interval(secs => $1)
        ORDER BY assigned_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [seconds, limit],
    );
    return rows.map((row) => this.toJob(row));
  }

  /** Runs past their timeout and `graceSeconds` more, locked. */
  async lockOverdueRuns(manager: EntityManager, graceSeconds: number, limit: number): Promise<Job[]> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT * FROM jobs WHERE status = 'running' AND start_time < now() - make_interval(secs => timeout_seconds + $1)
        ORDER BY start_time LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [graceSeconds, limit],
    );
    return rows.map((row) => this.toJob(row));
  }

  /**
   * Cancels not acknowledged, last sent more than `seconds` ago (`updated_at` is when the service
   * last touched the row: the request, or the last resend), taken for resending now.
   */
  async takeCancelsToResend(manager: EntityManager, seconds: number, limit: number): Promise<Job[]> {
    const [rows]: Returned = await manager.query(
      `UPDATE jobs SET updated_at = now()
        WHERE id IN (
          SELECT id FROM jobs
           WHERE status = 'running' AND cancel_requested_at IS NOT NULL AND cancel_acknowledged_at IS NULL
             AND updated_at < now() - make_interval(secs => $1)
           ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [seconds, limit],
    );
    return rows.map((row) => this.toJob(row));
  }

  private toJob(row: Record<string, unknown>): Job {
    return this.jobs.create(row as Partial<Job>);
  }
}
