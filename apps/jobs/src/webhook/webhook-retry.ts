import { backoffDelay, RetryPolicy } from '@proctor/messaging';

export type WebhookStep = { action: 'delivered' } | { action: 'retry'; delayMs: number } | { action: 'give_up' };

/**
 * What follows one POST, given how many were made with it (1-based): a 2xx is delivered; anything
 * else is tried again after an exponential backoff, until JOBS_WEBHOOK_MAX_ATTEMPTS POSTs failed.
 */
export function nextWebhookStep(ok: boolean, attempts: number, policy: RetryPolicy, random?: () => number): WebhookStep {
  if (ok) return { action: 'delivered' };
  if (attempts >= policy.maxAttempts) return { action: 'give_up' };
  return { action: 'retry', delayMs: backoffDelay(attempts - 1, policy.baseDelayMs, policy.maxDelayMs, random) };
}
