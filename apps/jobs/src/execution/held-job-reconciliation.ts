import { HeldJob } from '@proctor/contracts';
import { Job } from '../job/job.entity';

export interface HeldJobsReconciliation<J> {
  /** Offered to or run by the agent, as this service knows it, and not held by its daemon. */
  lost: J[];
  /** Held by the daemon, but not a current run of this agent: to be stopped. */
  stale: HeldJob[];
}

/** Compares what an agent holds by this service's rows with what its daemon says it runs (by job and attempt). */
export function heldJobsReconciliation<J extends Pick<Job, 'id' | 'attempt'>>(active: readonly J[], held: readonly HeldJob[]): HeldJobsReconciliation<J> {
  const key = (jobId: string, attempt: number) => `${jobId}/${attempt}`;
  const heldKeys = new Set(held.map((h) => key(h.job_id, h.attempt)));
  const activeKeys = new Set(active.map((j) => key(j.id, j.attempt)));
  return {
    lost: active.filter((j) => !heldKeys.has(key(j.id, j.attempt))),
    stale: held.filter((h) => !activeKeys.has(key(h.job_id, h.attempt))),
  };
}
