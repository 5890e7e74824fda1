import { nextWebhookStep } from './webhook-retry';

describe('nextWebhookStep', () => {
  const policy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 3000 };

  it('is done once the receiver answered 2xx', () => {
    expect(nextWebhookStep(true, 1, policy)).toEqual({ action: 'delivered' });
    expect(nextWebhookStep(true, 3, policy)).toEqual({ action: 'delivered' });
  });

  it('tries again after a backoff that doubles, up to its ceiling', () => {
    expect(nextWebhookStep(false, 1, policy, () => 1)).toEqual({ action: 'retry', delayMs: 1000 });
    expect(nextWebhookStep(false, 2, policy, () => 1)).toEqual({ action: 'retry', delayMs: 2000 });
    expect(nextWebhookStep(false, 2, { ...policy, maxDelayMs: 1500 }, () => 1)).toEqual({ action: 'retry', delayMs: 1500 });
  });

  it('gives up once the last attempt failed', () => {
    expect(nextWebhookStep(false, 3, policy)).toEqual({ action: 'give_up' });
  });
});
