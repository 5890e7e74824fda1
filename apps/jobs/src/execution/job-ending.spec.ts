import { JobFinishedReport } from '@proctor/contracts';
import { cancelReason, finishedEvent, overdueRunEnding, reportEnding } from './job-ending';

describe('reportEnding', () => {
  const job = { memory_mb: 256, timeout_seconds: 600, reason: null };
  const report = (outcome: JobFinishedReport['outcome'], extra: Partial<JobFinishedReport> = {}): JobFinishedReport => ({
    agent_id: 'a1',
    job_id: 'j1',
    attempt: 1,
    outcome,
    exit_code: 0,
    last_seq: 7,
    ...extra,
  });

  it('completes a run that succeeded, keeping its exit code and last chunk', () => {
    expect(reportEnding(report('succeeded'), job)).toEqual({ status: 'completed', success: true, reason: null, exit_code: 0, last_seq: 7, stopped: null });
  });

  it('fails a run with the reason its agent gave, or its exit code', () => {
    expect(reportEnding(report('failed', { exit_code: 2, reason: 'tests failed' }), job)).toMatchObject({ status: 'failed', success: false, reason: 'tests failed', exit_code: 2 });
    expect(reportEnding(report('failed', { exit_code: 3 }), job)).toMatchObject({ reason: 'exited with code 3' });
    expect(reportEnding(report('failed', { exit_code: null, reason: undefined }), job)).toMatchObject({ reason: 'failed' });
  });

  it('says a run killed at its memory limit was, with the limit', () => {
    expect(reportEnding(report('failed', { exit_code: 137, oom_killed: true, reason: 'exit 137' }), job)).toMatchObject({
      status: 'failed',
      reason: 'killed at its memory limit (256 MiB)',
      exit_code: 137,
    });
  });

  it('times out a run its agent stopped at the timeout, naming the timeout', () => {
    expect(reportEnding(report('timed_out', { exit_code: 143 }), job)).toMatchObject({ status: 'timed_out', success: false, reason: 'ran past its timeout of 600 s' });
  });

  it('cancels with how the container was stopped, keeping the reason of the request', () => {
    const stopped = { container: 'proctor-job-j1-1', signal: 'SIGTERM' as const };
    expect(reportEnding(report('canceled', { stopped }), { ...job, reason: 'canceled by admin while it ran' })).toEqual({
      status: 'canceled',
      success: false,
      reason: 'canceled by admin while it ran',
      exit_code: 0,
      last_seq: 7,
      stopped,
    });
    expect(reportEnding(report('canceled'), job)).toMatchObject({ reason: 'stopped by its agent', stopped: null });
  });

  it('leaves a lost run to the lost-job rule', () => {
    expect(reportEnding(report('lost'), job)).toBe('lost');
  });
});

describe('cancelReason', () => {
  it('says who canceled, and whether the job had started', () => {
    expect(cancelReason('admin', false)).toBe('canceled by admin before it started');
    expect(cancelReason('ci-bot', true)).toBe('canceled by ci-bot while it ran');
    expect(cancelReason(undefined, false)).toBe('canceled by request before it started');
  });
});

describe('overdueRunEnding', () => {
  it('times out a run no word came of, saying from which agent and after how long', () => {
    expect(overdueRunEnding('lab-7', { timeout_seconds: 60 }, 120)).toMatchObject({
      status: 'timed_out',
      success: false,
      reason: 'no word from agent lab-7 within its timeout of 60 s and 120 s of grace',
      last_seq: null,
    });
  });
});

describe('finishedEvent', () => {
  it('tells what the job ended as, with 0 as the last chunk of a run that printed nothing', () => {
    const end_time = new Date('2026-11-23T10:02:00.000Z');
    expect(
      finishedEvent({ id: 'j1', status: 'canceled', success: false, attempt: 0, exit_code: null, reason: 'canceled by admin before it started', last_seq: null, end_time }),
    ).toEqual({ job_id: 'j1', status: 'canceled', success: false, attempt: 0, exit_code: null, reason: 'canceled by admin before it started', last_seq: 0, end_time: '2026-11-23T10:02:00.000Z' });
  });
});
