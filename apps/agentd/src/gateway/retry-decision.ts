import { CommonErrorCode } from '@proctor/contracts';
import { backoffDelay } from '@proctor/messaging';

/** How one attempt of a gateway call ended, as far as retrying is concerned (`code`: the envelope's). */
export type CallOutcome = { kind: 'network' } | { kind: 'timeout' } | { kind: 'status'; status: number; code?: string };

/**
 * Whether the same request (same Idempotency-Key) may be sent again. Network errors, timeouts and
 * 5xx may be transient, and the key makes a repeat safe. A 408 or 429 asks the client to come back,
 * and so does a 409 `idempotency_in_progress` (the first send of this very request is still being
 * applied: a repeat later gets its answer). Any other 4xx is the answer: repeating it would only
 * get the same answer.
 */
export function shouldRetry(outcome: CallOutcome): boolean {
  if (outcome.kind !== 'status') return true;
  if (outcome.status === 409) return outcome.code === CommonErrorCode.IdempotencyInProgress;
  return outcome.status >= 500 || outcome.status === 408 || outcome.status === 429;
}

/**
 * The wait before attempt `attempt + 1`: the server's Retry-After (in seconds) when it sent one,
 * within `maxMs`, else exponential backoff with jitter.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, retryAfter?: string | null, random: () => number = Math.random): number {
  if (retryAfter && /^\d+$/.test(retryAfter.trim())) return Math.min(Number(retryAfter) * 1000, maxMs);
  return backoffDelay(attempt, baseMs, maxMs, random);
}
