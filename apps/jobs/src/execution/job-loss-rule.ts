import { Job } from '../job/job.entity';
import { JobEnding } from './job-ending';

export type LostJobVerdict = { action: 'requeue' } | { action: 'end'; ending: JobEnding };

/**
 * What becomes of a job whose agent lost it (the agent went offline, restarted without it, or
 * reported it `lost`). A cancel that was asked for ends it canceled. An offer never claimed costs
 * nothing: it goes back to the queue. A run goes back while its attempt is within `retries`
 * (each offer is an attempt), else it fails saying which agent was lost.
 */
export function lostJobVerdict(job: Pick<Job, 'status' | 'attempt' | 'retries' | 'cancel_requested_at' | 'reason'>, agentName: string): LostJobVerdict {
  const ended = { success: false, exit_code: null, last_seq: null, stopped: null };
  if (job.cancel_requested_at !== null) {
    return { action: 'end', ending: { ...ended, status: 'canceled', reason: job.reason ?? `canceled; agent ${agentName} was lost while stopping the job` } };
  }
  if (job.status === 'assigned' || job.attempt <= job.retries) return { action: 'requeue' };
  return { action: 'end', ending: { ...ended, status: 'failed', reason: `agent ${agentName} was lost while running the job` } };
}
