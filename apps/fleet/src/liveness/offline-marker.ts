/** Devices one sweep statement marks offline at most; a sweep repeats while statements come back full. */
export const OFFLINE_SWEEP_LIMIT = 5000;

/**
 * The rule: a device last seen before this moment is offline, unless it is in maintenance or
 * offline already (the sweep's statement applies the two exceptions).
 */
export function offlineCutoff(now: Date, offlineAfterSeconds: number): Date {
  return new Date(now.getTime() - offlineAfterSeconds * 1000);
}

/**
 * The first sweep after a start waits one threshold: heartbeats that queued up while the service
 * was down are written first, instead of every device going offline and at once online again.
 */
export function firstSweepDelayMs(offlineAfterSeconds: number, sweepIntervalMs: number): number {
  return Math.max(offlineAfterSeconds * 1000, sweepIntervalMs);
}

export function sweepAgain(markedByLastStatement: number): boolean {
  return markedByLastStatement >= OFFLINE_SWEEP_LIMIT;
}
