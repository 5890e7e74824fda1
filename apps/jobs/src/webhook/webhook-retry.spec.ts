import { nextWebhookStep } from './webhook-retry';

describe('nextWebhookStep', () => {
  const policy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 3000 };

  it('is done once the receiver answered 2xx', () => {
    expect(nextWebhookStep('delivered', 1, policy)).toEqual({ action: 'delivered' });
    expect(nextWebhookStep('delivered', 3, policy)).toEqual({ action: 'delivered' });
  });

  it('tries again after a backoff that doubles, up to its ceiling', () => {
    expect(nextWebhookStep('failed', 1, policy, () => 1)).toEqual({ action: 'retry', delayMs: 1000 });
    expect(nextWebhookStep('failed', 2, policy, () => 1)).toEqual({ action: 'retry', delayMs: 2000 });
    expect(nextWebhookStep('failed', 2, { ...policy, maxDelayMs: 1500 }, () => 1)).toEqual({ action: 'retry', delayMs: 1500 });
  });

  it('gives up once the last attempt failed', () => {
    expect(nextWebhookStep('failed', 3, policy)).toEqual({ action: 'give_up' });
  });

  it('gives up at once on a target the policy refuses: another try would be refused the same', () => {
    expect(nextWebhookStep('refused', 1, policy)).toEqual({ action: 'give_up' });
  });
});
