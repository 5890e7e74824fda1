import { EnvReader, ServiceConfig } from '@proctor/config';
import { RetryPolicy } from '@proctor/messaging';

/** The fleet service's own configuration: read once, at start, from the environment. */
export interface FleetConfig {
  /** A device silent this long is marked offline (devices in maintenance never are). */
  offlineAfterSeconds: number;
  /** Heartbeat history older than this is deleted. */
  heartbeatRetentionDays: number;
  /** How often the offline sweep, the retention pass and the rollout review run. */
  sweepIntervalMs: number;
  /** Heartbeats written per transaction at most... */
  heartbeatBatchSize: number;
  /** ... and how long the first of them waits for others. */
  heartbeatBatchWaitMs: number;
  /**
   * Heartbeat messages held unacked at most (HEARTBEAT_PREFETCH). A message carries up to the
   * gateway's HEARTBEAT_PUBLISH_BATCH_MAX heartbeats (256): this bounds what a backlog puts in memory.
   */
  heartbeatPrefetch: number;
  /** A failing heartbeat batch retries like a failing event (EVENT_MAX_ATTEMPTS, EVENT_RETRY_BASE_MS). */
  heartbeatRetry: RetryPolicy;
}

export const FLEET_CONFIG = Symbol('FLEET_CONFIG');

/** Every fleet variable is read here; a bad value throws a ConfigError naming it, which stops the app. */
export function readFleetConfig(env: EnvReader, service: ServiceConfig): FleetConfig {
  return {
    offlineAfterSeconds: env.int('FLEET_OFFLINE_AFTER_SECONDS', 90, { min: 1, max: 7 * 24 * 3600 }),
    heartbeatRetentionDays: env.int('FLEET_HEARTBEAT_RETENTION_DAYS', 7, { min: 1, max: 3650 }),
    sweepIntervalMs: env.int('FLEET_SWEEP_INTERVAL_MS', 5000, { min: 50, max: 3_600_000 }),
    heartbeatBatchSize: env.int('HEARTBEAT_BATCH_SIZE', 500, { min: 1, max: 5000 }),
    heartbeatBatchWaitMs: env.int('HEARTBEAT_BATCH_WAIT_MS', 20, { min: 0, max: 10_000 }),
    heartbeatPrefetch: env.int('HEARTBEAT_PREFETCH', 200, { min: 1, max: 10_000 }),
    heartbeatRetry: { maxAttempts: service.eventMaxAttempts, baseDelayMs: service.eventRetryBaseMs, maxDelayMs: 30_000 },
  };
}
