import { idempotencyScope } from './idempotency-scope';

describe('idempotencyScope', () => {
  it('scopes keys per agent, and per user', () => {
    expect(idempotencyScope({ agent: { agent_id: 'a1' } })).toBe('agent:a1');
    expect(idempotencyScope({ user: { subject: 'root' } })).toBe('user:root');
  });

  it('refuses to run without a caller', () => {
    expect(() => idempotencyScope({})).toThrow('an idempotent route ran without an authenticated caller');
  });
});
