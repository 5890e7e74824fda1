import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { JobLogChunk, JobStatus } from '@proctor/contracts';
import { Repository } from 'typeorm';
import { JobLog } from './job-log.entity';

@Injectable()
export class JobLogRepository {
  constructor(@InjectRepository(JobLog) private readonly logs: Repository<JobLog>) {}

  /**
   * Stores chunks in one statement; a chunk already stored (a redelivery, a daemon's retry) is
   * skipped by its key, so applying a batch twice changes nothing. Only chunks of existing jobs are
   * stored; returns the ids of the jobs that do not exist.
   */
  async insertChunks(chunks: { job_id: string; attempt: number; seq: number; data: string; at: string }[]): Promise<Set<string>> {
    if (chunks.length === 0) return new Set();
    const rows: { missing: string }[] = await this.logs.query(
      `WITH chunk AS (
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[], $5::timestamptz[]) AS c(job_id, attempt, seq, data, at)
       ), stored AS (
         INSERT INTO job_logs (job_id, attempt, seq, data, at)
         SELECT c.job_id, c.attempt, c.seq, c.data, c.at FROM chunk c WHERE EXISTS (SELECT 1 FROM jobs j WHERE j.id = c.job_id)
         ON CONFLICT DO NOTHING
       )
       SELECT DISTINCT c.job_id AS missing FROM chunk c WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = c.job_id)`,
      [chunks.map((c) => c.job_id), chunks.map((c) => c.attempt), chunks.map((c) => c.seq), chunks.map((c) => c.data), chunks.map((c) => c.at)],
    );
    return new Set(rows.map((r) => r.missing));
  }

  /** Chunks strictly after (attempt, seq), in order; `limit + 1` of them to tell if more follow. */
  async page(jobId: string, after: { attempt: number; seq: number }, limit: number): Promise<JobLogChunk[]> {
    const rows: { attempt: number; seq: number; data: string; at: Date }[] = await this.logs.query(
      `SELECT attempt, seq, data, at FROM job_logs WHERE job_id = $1 AND (attempt, seq) > ($2, $3) ORDER BY attempt, seq LIMIT $4`,
      [jobId, after.attempt, after.seq, limit + 1],
    );
    return rows.map((r) => ({ attempt: r.attempt, seq: r.seq, data: r.data, at: r.at.toISOString() }));
  }

  /** Where the job stands, for a reader of its log: is it over, and where did its last run end. */
  async progressOf(jobId: string): Promise<{ status: JobStatus; success: boolean | null; attempt: number; last_seq: number | null } | null> {
    const rows: { status: JobStatus; success: boolean | null; attempt: number; last_seq: number | null }[] = await this.logs.query(
      `SELECT status, success, attempt, last_seq FROM jobs WHERE id = $1`,
      [jobId],
    );
    return rows[0] ?? null;
  }
}
