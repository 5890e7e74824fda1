import { RolloutDeviceState, UpdateStatus } from '@proctor/contracts';

/** What a rollout uses when the request leaves a threshold out. */
export const ROLLOUT_DEFAULTS = { failure_threshold: 0.2, health_window_seconds: 600, pending_deadline_seconds: 3600 } as const;

/** A device's update report, as a rollout counts it: a success whose health check failed is unhealthy. */
export function stateForReport(report: { update_status: UpdateStatus; health_check_passed?: boolean | null }): RolloutDeviceState {
  if (report.update_status !== 'success') return 'failed';
  return report.health_check_passed === false ? 'unhealthy' : 'succeeded';
}

/** What happened to an updated device within its health window. */
export interface HealthFacts {
  went_offline: boolean;
  reported_failed: boolean;
  max_containers_failed: number;
}

/** An updated device turned unhealthy: its heartbeats stopped (offline), it reported failed, or containers failed. */
export function turnedUnhealthy(facts: HealthFacts): boolean {
  return facts.went_offline || facts.reported_failed || facts.max_containers_failed > 0;
}

export function healthWindowClosed(reportedAt: Date, healthWindowSeconds: number, now: Date): boolean {
  return now.getTime() >= reportedAt.getTime() + healthWindowSeconds * 1000;
}

/** Devices still pending at this point no longer count: they expire, and block nothing. */
export function pendingDeadlinePassed(rolloutCreatedAt: Date, pendingDeadlineSeconds: number, now: Date): boolean {
  return now.getTime() >= rolloutCreatedAt.getTime() + pendingDeadlineSeconds * 1000;
}

export interface RolloutTally {
  pending: number;
  succeeded: number;
  failed: number;
  unhealthy: number;
  expired: number;
  /** Succeeded devices whose health window is still open. */
  watching: number;
}

export type RolloutVerdict = { action: 'halt'; reason: string } | { action: 'complete' } | { action: 'continue' };

/**
 * Halts when the share of failures (failed updates and devices that turned unhealthy) among the
 * devices that reported passes the threshold; completes when no device is pending and every updated
 * device has stayed healthy through its window; otherwise goes on. Expired devices count for neither.
 */
export function judgeRollout(tally: RolloutTally, failureThreshold: number): RolloutVerdict {
  const failures = tally.failed + tally.unhealthy;
  const reported = tally.succeeded + failures;
  if (reported > 0 && failures / reported > failureThreshold) {
    return {
      action: 'halt',
      reason: `${failures} of ${reported} devices that reported failed or turned unhealthy (${tally.failed} failed, ${tally.unhealthy} unhealthy), above the threshold of ${failureThreshold}`,
    };
  }
  if (tally.pending === 0 && tally.watching === 0) return { action: 'complete' };
  return { action: 'continue' };
}
