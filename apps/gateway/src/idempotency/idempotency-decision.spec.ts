import { decideOnRecorded, remembersOutcome } from './idempotency-decision';

describe('decideOnRecorded', () => {
  const done = { request_hash: 'h1', state: 'done' as const, status_code: 200, response: { task: null } };

  it('replays a finished request with the same body', () => {
    expect(decideOnRecorded(done, 'h1')).toEqual({ kind: 'replay', status: 200, response: { task: null } });
  });

  it('refuses the key with another body, finished or not', () => {
    expect(decideOnRecorded(done, 'h2')).toEqual({ kind: 'reused' });
    expect(decideOnRecorded({ ...done, state: 'in_progress', status_code: null }, 'h2')).toEqual({ kind: 'reused' });
  });

  it('says in progress while the first is still running', () => {
    expect(decideOnRecorded({ ...done, state: 'in_progress', status_code: null, response: null }, 'h1')).toEqual({ kind: 'in_progress' });
  });
});

describe('remembersOutcome', () => {
  it('remembers successes and the definite answers of a service', () => {
    expect(remembersOutcome(200, '')).toBe(true);
    expect(remembersOutcome(201, '')).toBe(true);
    expect(remembersOutcome(404, 'task_not_found')).toBe(true);
    expect(remembersOutcome(409, 'task_state_conflict')).toBe(true);
    expect(remembersOutcome(409, 'task_attempt_stale')).toBe(true);
  });

  it('releases the key when nothing was applied or the outcome is unknown', () => {
    expect(remembersOutcome(400, 'validation_failed')).toBe(false);
    expect(remembersOutcome(401, 'unauthorized')).toBe(false);
    expect(remembersOutcome(429, 'rate_limited')).toBe(false);
    expect(remembersOutcome(503, 'deadline_exceeded')).toBe(false);
    expect(remembersOutcome(503, 'service_unavailable')).toBe(false);
    expect(remembersOutcome(500, 'internal')).toBe(false);
  });
});
