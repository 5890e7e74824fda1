import { brokerDeliveryLimit, decideOnFailure, DEFAULT_RETRY_POLICY } from './retry-policy';

describe('decideOnFailure', () => {
  const policy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };
  const boom = { code: 'internal', message: 'boom' };

  it('retries with a growing backoff until the last attempt', () => {
    expect(decideOnFailure(boom, 1, policy, () => 1)).toEqual({ action: 'retry', delayMs: 100 });
    expect(decideOnFailure(boom, 2, policy, () => 1)).toEqual({ action: 'retry', delayMs: 200 });
    expect(decideOnFailure(boom, 3, policy, () => 1)).toEqual({ action: 'dead', reason: 'failed 3 times, last: internal: boom' });
  });

  it('dead-letters an invalid payload on its first delivery, with the reason', () => {
    const decision = decideOnFailure({ code: 'validation_failed', message: 'x', details: { fields: { name: ['name must be a string'] } } }, 1, policy);
    expect(decision).toEqual({ action: 'dead', reason: 'invalid payload: {"fields":{"name":["name must be a string"]}}' });
  });

  it('keeps the broker limit above its own', () => {
    expect(brokerDeliveryLimit(DEFAULT_RETRY_POLICY)).toBeGreaterThan(DEFAULT_RETRY_POLICY.maxAttempts);
  });
});
