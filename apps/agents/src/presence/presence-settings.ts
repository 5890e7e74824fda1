import { ConfigError, EnvReader } from '@proctor/config';

/** How the agents service judges liveness; read once at start from the environment. */
export interface PresenceSettings {
  /** Told to every daemon at registration: how often to heartbeat. */
  heartbeatIntervalSeconds: number;
  /** Silent this long, an agent is marked offline (reason `timeout`). */
  offlineAfterSeconds: number;
  /**
   * How often the offline marker looks for silent agents: one is marked between the threshold and
   * the threshold plus this (plus a sweep's own time) after its last beat, so this is its precision.
   */
  sweepIntervalMs: number;
  /** Deadline of the `exercises.tasks.reconcile` call made while registering (inside the gateway's own deadline). */
  reconcileTimeoutMs: number;
  /** Reports counted as signs of life are applied in batches of at most this many, waiting at most this long. */
  reportsBatch: { maxBatch: number; maxWaitMs: number };
}

export function readPresenceSettings(env: EnvReader): PresenceSettings {
  const offlineAfterSeconds = env.int('AGENTS_OFFLINE_AFTER_SECONDS', 15, { min: 1, max: 3600 });
  const heartbeatIntervalSeconds = env.int('AGENTS_HEARTBEAT_INTERVAL_SECONDS', 5, { min: 1, max: 600 });
  if (heartbeatIntervalSeconds >= offlineAfterSeconds) {
    throw new ConfigError(
      'AGENTS_HEARTBEAT_INTERVAL_SECONDS',
      `must be less than AGENTS_OFFLINE_AFTER_SECONDS (${offlineAfterSeconds}), got ${heartbeatIntervalSeconds}`,
    );
  }
  return {
    heartbeatIntervalSeconds,
    offlineAfterSeconds,
    sweepIntervalMs: env.int('AGENTS_SWEEP_INTERVAL_MS', 500, { min: 50, max: 60_000 }),
    reconcileTimeoutMs: env.int('AGENTS_RECONCILE_TIMEOUT_MS', 2000, { min: 50, max: 60_000 }),
    reportsBatch: { maxBatch: 100, maxWaitMs: 250 },
  };
}
