import { ConfigError, EnvReader, ServiceConfig } from '@proctor/config';
import { RetryPolicy } from '@proctor/messaging';

/** The ports a server task may be given on its agent, both ends included. */
export interface PortRange {
  first: number;
  last: number;
}

/** What the exercises service reads beyond the shared variables; read once, at start. */
export interface ExercisesConfig {
  /** EXERCISES_PORT_RANGE: the ports reserved for `iperf3 -s` on an agent. */
  portRange: PortRange;
  /** EXERCISES_SLOT_GRACE_SECONDS: a slot lasts the test's duration plus this (start-up, the result's way back). */
  slotGraceSeconds: number;
  /** EXERCISES_REDISPATCH_SECONDS: a command not accepted within this is sent again (same attempt). */
  redispatchSeconds: number;
  /** EXERCISES_DISPATCH_POLL_MS: the dispatcher's backstop poll; commits and slot starts wake it sooner. */
  dispatchPollMs: number;
  /** EXERCISES_SWEEP_INTERVAL_MS: how often the timeout sweeper and the auto-ender look. */
  sweepIntervalMs: number;
  /** EXERCISES_RESERVATION_CLEANUP_MS: how often reservations of finished work are released (a backstop). */
  reservationCleanupMs: number;
  /** EXERCISES_RESERVATION_STALE_SECONDS: a reservation whose slot ended this long ago is released whatever its task says. */
  reservationStaleSeconds: number;
  /** EXERCISES_KILL_ALL_TTL_SECONDS: how long a kill_all may wait for its agent before it is given up. */
  killAllTtlSeconds: number;
  /** EXERCISES_REPORT_PREFETCH: task reports handled at once from `exercises.reports`. */
  reportPrefetch: number;
  /** Retries of a task report whose handling failed (the shared EVENT_MAX_ATTEMPTS and EVENT_RETRY_BASE_MS). */
  reportRetry: RetryPolicy;
}

export const EXERCISES_CONFIG = Symbol('EXERCISES_CONFIG');

/** Reads `first-last`, e.g. `5201-5299`; a bad value names the variable. */
export function parsePortRange(variable: string, raw: string): PortRange {
  const match = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(raw);
  if (!match) throw new ConfigError(variable, `must look like 5201-5299, got "${raw}"`);
  const first = Number(match[1]);
  const last = Number(match[2]);
  if (first < 1 || last > 65535) throw new ConfigError(variable, `must lie within 1-65535, got "${raw}"`);
  if (first > last) throw new ConfigError(variable, `must name its lower port first, got "${raw}"`);
  return { first, last };
}

export function readExercisesConfig(env: EnvReader, shared: Pick<ServiceConfig, 'eventMaxAttempts' | 'eventRetryBaseMs'>): ExercisesConfig {
  return {
    portRange: parsePortRange('EXERCISES_PORT_RANGE', env.string('EXERCISES_PORT_RANGE', '5201-5299')),
    slotGraceSeconds: env.int('EXERCISES_SLOT_GRACE_SECONDS', 10, { min: 0, max: 3600 }),
    redispatchSeconds: env.int('EXERCISES_REDISPATCH_SECONDS', 10, { min: 1, max: 3600 }),
    dispatchPollMs: env.int('EXERCISES_DISPATCH_POLL_MS', 1000, { min: 10, max: 60000 }),
    sweepIntervalMs: env.int('EXERCISES_SWEEP_INTERVAL_MS', 5000, { min: 10, max: 600000 }),
    reservationCleanupMs: env.int('EXERCISES_RESERVATION_CLEANUP_MS', 60000, { min: 10, max: 3600000 }),
    reservationStaleSeconds: env.int('EXERCISES_RESERVATION_STALE_SECONDS', 3600, { min: 1, max: 7 * 24 * 3600 }),
    killAllTtlSeconds: env.int('EXERCISES_KILL_ALL_TTL_SECONDS', 600, { min: 1, max: 7 * 24 * 3600 }),
    reportPrefetch: env.int('EXERCISES_REPORT_PREFETCH', 20, { min: 1, max: 1000 }),
    reportRetry: { maxAttempts: shared.eventMaxAttempts, baseDelayMs: shared.eventRetryBaseMs, maxDelayMs: 30_000 },
  };
}
