import { CommonErrorCode, ErrorCode } from '@proctor/contracts';

export type IdempotencyState = 'in_progress' | 'done';

/** A key already recorded, as the store holds it. */
export interface RecordedRequest {
  request_hash: string;
  state: IdempotencyState;
  status_code: number | null;
  response: unknown;
}

export type IdempotencyDecision =
  /** Same key, same request, finished: answer what was answered the first time; apply nothing. */
  | { kind: 'replay'; status: number; response: unknown }
  /** Same key, another request: 422 `idempotency_key_reused`. */
  | { kind: 'reused' }
  /** Same key, same request, the first still running: 409 `idempotency_in_progress`. */
  | { kind: 'in_progress' };

/** What a request finds when its key is already recorded. Another body is refused first: that is a client bug whatever the state. */
export function decideOnRecorded(recorded: RecordedRequest, requestHash: string): IdempotencyDecision {
  if (recorded.request_hash !== requestHash) return { kind: 'reused' };
  if (recorded.state === 'in_progress' || recorded.status_code === null) return { kind: 'in_progress' };
  return { kind: 'replay', status: recorded.status_code, response: recorded.response };
}

/**
 * Whether an outcome is remembered (and replayed to every retry) or the key released (a retry runs
 * again). Remembered: a success, and a definite answer of the service (not found, a conflict: the
 * same request would get it again). Released: a request refused before anything was applied
 * (validation, credentials, limits), and anything whose effect is unknown or may pass (a 5xx: the
 * service failed, or did not answer in time), so that the client's retry is not stuck with it.
 */
export function remembersOutcome(status: number, code: string): boolean {
  if (status < 400) return true;
  if (status >= 500) return false;
  return !REFUSED_BEFORE_ANY_EFFECT.has(code);
}

/** Codes of a request refused before anything was applied: its key is released. */
const REFUSED_BEFORE_ANY_EFFECT: ReadonlySet<string> = new Set<ErrorCode>([
  CommonErrorCode.ValidationFailed,
  CommonErrorCode.Unauthorized,
  CommonErrorCode.Forbidden,
  CommonErrorCode.PayloadTooLarge,
  CommonErrorCode.RateLimited,
  CommonErrorCode.UnsupportedApiVersion,
  CommonErrorCode.IdempotencyInProgress,
  CommonErrorCode.IdempotencyKeyReused,
]);
