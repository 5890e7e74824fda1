import { retryDelayMs, shouldRetry } from './retry-decision';

describe('shouldRetry', () => {
  it.each([
    [{ kind: 'network' as const }, true],
    [{ kind: 'timeout' as const }, true],
    [{ kind: 'status' as const, status: 500 }, true],
    [{ kind: 'status' as const, status: 502 }, true],
    [{ kind: 'status' as const, status: 503 }, true],
    [{ kind: 'status' as const, status: 408 }, true],
    [{ kind: 'status' as const, status: 429 }, true],
    [{ kind: 'status' as const, status: 400 }, false],
    [{ kind: 'status' as const, status: 401 }, false],
    [{ kind: 'status' as const, status: 404 }, false],
    [{ kind: 'status' as const, status: 409 }, false],
    [{ kind: 'status' as const, status: 409, code: 'task_attempt_stale' }, false],
    [{ kind: 'status' as const, status: 409, code: 'idempotency_in_progress' }, true],
    [{ kind: 'status' as const, status: 422 }, false],
    [{ kind: 'status' as const, status: 426 }, false],
  ])('%j → %s', (outcome, retry) => {
    expect(shouldRetry(outcome)).toBe(retry);
  });
});

describe('retryDelayMs', () => {
  it('backs off exponentially with jitter, within the ceiling', () => {
    expect(retryDelayMs(0, 200, 5000, undefined, () => 1)).toBe(200);
    expect(retryDelayMs(3, 200, 5000, undefined, () => 1)).toBe(1600);
    expect(retryDelayMs(10, 200, 5000, undefined, () => 1)).toBe(5000);
    expect(retryDelayMs(3, 200, 5000, undefined, () => 0)).toBe(800);
  });

  it('honours a Retry-After in seconds, capped', () => {
    expect(retryDelayMs(0, 200, 5000, '2')).toBe(2000);
    expect(retryDelayMs(0, 200, 5000, '120')).toBe(5000);
    expect(retryDelayMs(0, 200, 5000, 'Wed, 21 Oct 2015 07:28:00 GMT', () => 1)).toBe(200);
  });
});
