/** How long keys are kept and how the gateway looks after them (read from the environment in gateway-config.ts). */
export interface IdempotencySettings {
  /** A key and its answer are kept this long (at least 24 h). */
  ttlHours: number;
  /** How often expired keys are deleted, in batches. */
  cleanupIntervalMs: number;
  /**
   * How long a request may hold its key in progress; past it the gateway that took it is presumed
   * gone (crashed mid-request) and a retry with the same body takes the key over.
   */
  lockSeconds: number;
}

export const IDEMPOTENCY_SETTINGS = Symbol('IDEMPOTENCY_SETTINGS');

/** A key held in progress outlives any call it guards: twice the RPC deadline, plus a margin. */
export function idempotencyLockSeconds(rpcTimeoutMs: number): number {
  return Math.ceil((2 * rpcTimeoutMs) / 1000) + 10;
}
