import { decideOnBatchFailure } from './batch-failure';

describe('decideOnBatchFailure', () => {
  const policy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };
  const failure = { size: 1, attempt: 1, transient: false, consecutiveFailures: 1, error: 'internal: boom' };

  it('holds a batch whose failure is transient, with a backoff that grows with the failures in a row', () => {
    expect(decideOnBatchFailure({ ...failure, size: 500, transient: true }, policy, () => 1)).toEqual({ action: 'hold', delayMs: 100 });
    expect(decideOnBatchFailure({ ...failure, size: 500, transient: true, consecutiveFailures: 3 }, policy, () => 1)).toEqual({
      action: 'hold',
      delayMs: 400,
    });
  });

  it('never dead-letters on a transient failure, however often the message was delivered', () => {
    expect(decideOnBatchFailure({ ...failure, attempt: 50, transient: true }, policy, () => 1).action).toBe('hold');
  });

  it('requeues a failed batch of many, never dead-letters it whole', () => {
    expect(decideOnBatchFailure({ ...failure, size: 20, attempt: 9, consecutiveFailures: 2 }, policy, () => 1)).toEqual({
      action: 'requeue',
      delayMs: 200,
    });
  });

  it('retries a message alone until its last attempt, then dead-letters it with the reason', () => {
    expect(decideOnBatchFailure({ ...failure, attempt: 2 }, policy, () => 1)).toEqual({ action: 'requeue', delayMs: 200 });
    expect(decideOnBatchFailure({ ...failure, attempt: 3 }, policy)).toEqual({ action: 'dead', reason: 'failed 3 times, last: internal: boom' });
  });
});
