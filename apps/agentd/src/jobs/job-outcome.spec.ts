import { jobVerdict, MAX_REASON_LENGTH, reportableVerdict, stopSignal, verdictBeforeStart, VerdictInput } from './job-outcome';

const input = (change: Partial<VerdictInput>): VerdictInput => ({
  exit: { exitCode: 0, oomKilled: false },
  timeoutSeconds: 30,
  memoryMb: 32,
  agentName: 'lab-7',
  ...change,
});

describe('jobVerdict', () => {
  it('succeeded on exit 0, failed with the code otherwise', () => {
    expect(jobVerdict(input({}))).toEqual({ outcome: 'succeeded', exit_code: 0 });
    expect(jobVerdict(input({ exit: { exitCode: 3, oomKilled: false } }))).toEqual({ outcome: 'failed', exit_code: 3, reason: 'exited with code 3' });
  });

  it('failed with oom_killed when the kernel killed it at its memory limit', () => {
    expect(jobVerdict(input({ exit: { exitCode: 137, oomKilled: true } }))).toEqual({
      outcome: 'failed',
      exit_code: 137,
      oom_killed: true,
      reason: 'killed: out of memory (limit 32 MiB)',
    });
  });

  it('a stop agentd made says what happened, whatever the exit code', () => {
    const stop = { signal: 'SIGKILL' as const, container: 'proctor-job-x-1' };
    expect(jobVerdict(input({ exit: { exitCode: 137, oomKilled: false }, stop: { ...stop, reason: 'timeout' } }))).toEqual({
      outcome: 'timed_out',
      exit_code: 137,
      reason: 'timed out after 30 s (stopped with SIGKILL)',
    });
    expect(jobVerdict(input({ exit: { exitCode: 143, oomKilled: false }, stop: { ...stop, signal: 'SIGTERM', reason: 'cancel' } }))).toEqual({
      outcome: 'canceled',
      exit_code: 143,
      reason: 'canceled',
      stopped: { container: 'proctor-job-x-1', signal: 'SIGTERM' },
    });
    expect(jobVerdict(input({ exit: { exitCode: 0, oomKilled: false }, stop: { ...stop, reason: 'drain' } }))).toEqual({
      outcome: 'lost',
      exit_code: 0,
      reason: 'agent lab-7 shut down',
    });
  });
});

describe('verdictBeforeStart', () => {
  it('reports a stop before the container ran, with no exit code', () => {
    expect(verdictBeforeStart('cancel', 'lab-7')).toEqual({ outcome: 'canceled', exit_code: null, reason: 'canceled before it started' });
    expect(verdictBeforeStart('drain', 'lab-7')).toEqual({ outcome: 'lost', exit_code: null, reason: 'agent lab-7 shut down' });
  });
});

describe('stopSignal', () => {
  it('is SIGTERM when the container stopped within the grace period, SIGKILL after it', () => {
    expect(stopSignal(40, 1000)).toBe('SIGTERM');
    expect(stopSignal(999, 1000)).toBe('SIGTERM');
    expect(stopSignal(1000, 1000)).toBe('SIGKILL');
    expect(stopSignal(3, 0)).toBe('SIGKILL');
  });
});

describe('reportableVerdict', () => {
  it('cuts a reason longer than the report may carry, and leaves the rest alone', () => {
    const long = reportableVerdict({ outcome: 'failed', exit_code: null, reason: `the container could not start: ${'x'.repeat(2000)}` });
    expect(long.reason).toHaveLength(MAX_REASON_LENGTH);
    expect(long.reason?.endsWith('...')).toBe(true);
    expect(reportableVerdict({ outcome: 'succeeded', exit_code: 0 })).toEqual({ outcome: 'succeeded', exit_code: 0 });
  });
});
