import { backoffDelay, RetryPolicy } from '@proctor/messaging';

export type WebhookStep = { action: 'delivered' } | { action: 'retry'; delayMs: number } | { action: 'give_up' };

/** How one POST went: a 2xx, a failure worth retrying, or a target that will be refused every time. */
export type WebhookAttemptResult = 'delivered' | 'failed' | 'refused';

/**
 * What follows one POST, given how many were made with it (1-based): a 2xx is delivered; a refused
 * target is given up at once (retrying cannot change the policy's answer); anything else is tried
 * again after an exponential backoff, until JOBS_WEBHOOK_MAX_ATTEMPTS POSTs failed.
 */
export function nextWebhookStep(result: WebhookAttemptResult, attempts: number, policy: RetryPolicy, random?: () => number): WebhookStep {
  if (result === 'delivered') return { action: 'delivered' };
  if (result === 'refused' || attempts >= policy.maxAttempts) return { action: 'give_up' };
  return { action: 'retry', delayMs: backoffDelay(attempts - 1, policy.baseDelayMs, policy.maxDelayMs, random) };
}
