import { JobErrorCode, JobStatus, ProctorError } from '@proctor/contracts';
import { Job } from '../job/job.entity';

/** Who speaks for which run: every claim and report names the job, its agent and the attempt. */
export interface AttemptClaim {
  job_id: string;
  agent_id: string;
  attempt: number;
}

type AttemptState = Pick<Job, 'id' | 'agent_id' | 'attempt' | 'status'>;

/**
 * Throws unless the agent may act on the job now (claim it, report on it): the job must exist, be
 * at this attempt, be this agent's, and be in `expected` status. A stale attempt says so (the agent
 * drops that run); anything else is a state conflict.
 */
export function assertCurrentAttempt<J extends AttemptState>(job: J | null, claim: AttemptClaim, expected: JobStatus): asserts job is J {
  if (!job) throw new ProctorError(JobErrorCode.NotFound, `no job with id ${claim.job_id}`, { id: claim.job_id });
  const details = { job_id: job.id, attempt: claim.attempt, current_attempt: job.attempt, status: job.status };
  if (job.attempt !== claim.attempt) throw new ProctorError(JobErrorCode.AttemptStale, `attempt ${claim.attempt} of job ${job.id} is not its current one (${job.attempt})`, details);
  if (job.agent_id !== claim.agent_id) throw new ProctorError(JobErrorCode.StateConflict, `job ${job.id} is not held by agent ${claim.agent_id}`, details);
  if (job.status !== expected) throw new ProctorError(JobErrorCode.StateConflict, `job ${job.id} is ${job.status}, not ${expected}`, details);
}

/** A claim of the run this agent already holds: answered again, changing nothing. */
export function isRepeatedClaim(job: AttemptState, claim: AttemptClaim): boolean {
  return job.status === 'running' && job.agent_id === claim.agent_id && job.attempt === claim.attempt;
}
