import { backoffDelay } from '../connection/backoff';
import { RetryPolicy } from './retry-policy';

export interface BatchFailure {
  /** Messages in the batch that failed. */
  size: number;
  /** Delivery attempt (1-based) of a batch of one; of a larger batch, its most delivered message. */
  attempt: number;
  /** The failure will pass by itself (database unreachable, deadlock): no message is to blame. */
  transient: boolean;
  /** Flushes that failed in a row, this one included. */
  consecutiveFailures: number;
  error: string;
}

export type BatchFailureDecision =
  /** Keep the batch and run it again after the delay: its messages are not redelivered. */
  | { action: 'hold'; delayMs: number }
  /** Give the batch back to the broker after the delay; its messages come back one by one. */
  | { action: 'requeue'; delayMs: number }
  | { action: 'dead'; reason: string };

/**
 * What to do with a batch whose handler failed. A transient failure blames no message, so the batch
 * is held and retried (an outage of the database never sends a message to `.dead`). Otherwise the
 * batch goes back to the broker; its messages return as suspects and are retried alone, so a
 * message is dead-lettered only once it has failed `maxAttempts` times on its own.
 */
export function decideOnBatchFailure(failure: BatchFailure, policy: RetryPolicy, random?: () => number): BatchFailureDecision {
  if (failure.transient) {
    return { action: 'hold', delayMs: backoffDelay(failure.consecutiveFailures - 1, policy.baseDelayMs, policy.maxDelayMs, random) };
  }
  if (failure.size === 1 && failure.attempt >= policy.maxAttempts) {
    return { action: 'dead', reason: `failed ${failure.attempt} times, last: ${failure.error}` };
  }
  const attempt = failure.size === 1 ? failure.attempt : failure.consecutiveFailures;
  return { action: 'requeue', delayMs: backoffDelay(attempt - 1, policy.baseDelayMs, policy.maxDelayMs, random) };
}
