import { JobLogChunk, JobLogsRequest, JobLogsView, JobStatus, TERMINAL_JOB_STATUSES } from '@proctor/contracts';

export const DEFAULT_LOG_PAGE = 1000;

/** Where a read starts: strictly after (after_attempt, after_seq); from the very beginning by default. */
export function logCursor(request: Pick<JobLogsRequest, 'after_attempt' | 'after_seq'>): { attempt: number; seq: number } {
  return { attempt: request.after_attempt ?? 0, seq: request.after_seq ?? 0 };
}

/**
 * One page of a job's log: `more` when chunks were left for the next page (`rows` holds one more
 * than the limit then), and `last` once the job has finished, so that a reader knows when it has it all.
 */
export function toJobLogsView(
  jobId: string,
  job: { status: JobStatus; success: boolean | null; attempt: number; last_seq: number | null },
  rows: JobLogChunk[],
  limit: number,
): JobLogsView {
  const finished = TERMINAL_JOB_STATUSES.includes(job.status);
  return {
    job_id: jobId,
    status: job.status,
    success: job.success,
    chunks: rows.slice(0, limit),
    more: rows.length > limit,
    last: finished ? { attempt: job.attempt, seq: job.last_seq ?? 0 } : null,
  };
}
