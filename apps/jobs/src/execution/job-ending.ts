import { JobFinishedEvent, JobFinishedReport, JobStatus, JobStopped } from '@proctor/contracts';
import { Job } from '../job/job.entity';

export type TerminalJobStatus = Extract<JobStatus, 'completed' | 'failed' | 'canceled' | 'timed_out'>;

/** How a job ends: what its row will say once finished. */
export interface JobEnding {
  status: TerminalJobStatus;
  success: boolean;
  reason: string | null;
  exit_code: number | null;
  /** The last log chunk of the run as its agent reported it; null: the last one stored (the agent said nothing). */
  last_seq: number | null;
  stopped: JobStopped | null;
}

/** Who canceled, in words; a request without a name came from someone the gateway did not name. */
export function cancelReason(requestedBy: string | undefined, running: boolean): string {
  const who = requestedBy ?? 'request';
  return running ? `canceled by ${who} while it ran` : `canceled by ${who} before it started`;
}

/** The sweeper ends a running job it has heard nothing of long past its timeout. */
export function overdueRunEnding(agentName: string, job: Pick<Job, 'timeout_seconds'>, graceSeconds: number): JobEnding {
  return {
    status: 'timed_out',
    success: false,
    reason: `no word from agent ${agentName} within its timeout of ${job.timeout_seconds} s and ${graceSeconds} s of grace`,
    exit_code: null,
    last_seq: null,
    stopped: null,
  };
}

/**
 * What a `job.finished` report means for the job; `lost` (the agent restarted and reaped the
 * container) is decided by the lost-job rule instead. A cancel keeps the reason its request wrote.
 */
export function reportEnding(report: JobFinishedReport, job: Pick<Job, 'memory_mb' | 'timeout_seconds' | 'reason'>): JobEnding | 'lost' {
  const run = { exit_code: report.exit_code ?? null, last_seq: report.last_seq, stopped: null };
  switch (report.outcome) {
    case 'succeeded':
      return { ...run, status: 'completed', success: true, reason: null };
    case 'failed':
      return { ...run, status: 'failed', success: false, reason: failureReason(report, job) };
    case 'timed_out':
      return { ...run, status: 'timed_out', success: false, reason: `ran past its timeout of ${job.timeout_seconds} s` };
    case 'canceled':
      return { ...run, status: 'canceled', success: false, reason: job.reason ?? report.reason ?? 'stopped by its agent', stopped: report.stopped ?? null };
    case 'lost':
      return 'lost';
  }
}

function failureReason(report: JobFinishedReport, job: Pick<Job, 'memory_mb'>): string {
  if (report.oom_killed) return `killed at its memory limit (${job.memory_mb} MiB)`;
  if (report.reason) return report.reason;
  return report.exit_code !== null && report.exit_code !== undefined ? `exited with code ${report.exit_code}` : 'failed';
}

/** `jobs.job.finished`, also the body of its webhook. */
export function finishedEvent(job: Pick<Job, 'id' | 'status' | 'success' | 'attempt' | 'exit_code' | 'reason' | 'last_seq' | 'end_time'>): JobFinishedEvent {
  return {
    job_id: job.id,
    status: job.status,
    success: job.success === true,
    attempt: job.attempt,
    exit_code: job.exit_code,
    reason: job.reason,
    last_seq: job.last_seq ?? 0,
    end_time: (job.end_time ?? new Date()).toISOString(),
  };
}
