import { JobStatus, ProctorError } from '@proctor/contracts';
import { AttemptClaim, assertCurrentAttempt, isRepeatedClaim } from './job-attempt-check';

describe('assertCurrentAttempt', () => {
  const job: { id: string; agent_id: string; attempt: number; status: JobStatus } = { id: 'j1', agent_id: 'a1', attempt: 2, status: 'assigned' };
  const claim = { job_id: 'j1', agent_id: 'a1', attempt: 2 };
  const refusal = (state: typeof job | null, asked: AttemptClaim) => {
    try {
      assertCurrentAttempt(state, asked, 'assigned');
      return null;
    } catch (e) {
      return e as ProctorError;
    }
  };

  it('lets the agent the job was offered to act on that attempt', () => {
    expect(refusal(job, claim)).toBeNull();
  });

  it('answers job_not_found for a job that does not exist', () => {
    expect(refusal(null, claim)?.code).toBe('job_not_found');
  });

  it('answers job_attempt_stale for an earlier (or unknown) attempt, whoever asks', () => {
    expect(refusal(job, { ...claim, attempt: 1 })?.code).toBe('job_attempt_stale');
    expect(refusal(job, { ...claim, agent_id: 'a2', attempt: 1 })?.code).toBe('job_attempt_stale');
  });

  it('answers job_state_conflict for another agent, or a job no longer in the expected state', () => {
    expect(refusal(job, { ...claim, agent_id: 'a2' })).toMatchObject({ code: 'job_state_conflict', message: 'job j1 is not held by agent a2' });
    expect(refusal({ ...job, status: 'canceled' }, claim)).toMatchObject({ code: 'job_state_conflict', message: 'job j1 is canceled, not assigned' });
    expect(refusal({ ...job, status: 'running' }, claim)?.code).toBe('job_state_conflict');
  });
});

describe('isRepeatedClaim', () => {
  const running = { id: 'j1', agent_id: 'a1', attempt: 2, status: 'running' as JobStatus };
  const claim = { job_id: 'j1', agent_id: 'a1', attempt: 2 };

  it('is the run this agent already holds', () => {
    expect(isRepeatedClaim(running, claim)).toBe(true);
  });

  it('is not another agent, another attempt, or a job no longer running', () => {
    expect(isRepeatedClaim(running, { ...claim, agent_id: 'a2' })).toBe(false);
    expect(isRepeatedClaim(running, { ...claim, attempt: 1 })).toBe(false);
    expect(isRepeatedClaim({ ...running, status: 'canceled' }, claim)).toBe(false);
    expect(isRepeatedClaim({ ...running, status: 'assigned' }, claim)).toBe(false);
  });
});
