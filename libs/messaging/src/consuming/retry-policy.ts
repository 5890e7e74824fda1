import { CommonErrorCode, ErrorBody } from '@proctor/contracts';
import { backoffDelay } from '../connection/backoff';

export interface RetryPolicy {
  /** Deliveries in all before a failing message goes to `<queue>.dead`. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10000 };

export type FailureDecision = { action: 'retry'; delayMs: number } | { action: 'dead'; reason: string };

/**
 * What to do with a message whose handler failed on delivery `attempt` (1-based): retry after a
 * backoff, or dead-letter it. A message that can never succeed (it fails validation, or no handler
 * exists for it) is dead-lettered at once rather than retried.
 */
export function decideOnFailure(error: ErrorBody, attempt: number, policy: RetryPolicy, random?: () => number): FailureDecision {
  if (error.code === CommonErrorCode.ValidationFailed) {
    return { action: 'dead', reason: `invalid payload: ${JSON.stringify(error.details ?? error.message)}` };
  }
  if (error.code === CommonErrorCode.NotFound && error.details?.handler === 'none') {
    return { action: 'dead', reason: error.message };
  }
  if (attempt >= policy.maxAttempts) {
    return { action: 'dead', reason: `failed ${attempt} times, last: ${error.code}: ${error.message}` };
  }
  return { action: 'retry', delayMs: backoffDelay(attempt - 1, policy.baseDelayMs, policy.maxDelayMs, random) };
}

/** The broker's delivery limit sits above ours, as a net for a message that crashes its consumer. */
export function brokerDeliveryLimit(policy: RetryPolicy): number {
  return policy.maxAttempts + 2;
}
