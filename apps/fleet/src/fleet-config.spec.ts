import { EnvReader, readServiceConfig } from '@proctor/config';
import { readFleetConfig } from './fleet-config';

describe('readFleetConfig', () => {
  const read = (vars: Record<string, string>) => readFleetConfig(new EnvReader(vars), readServiceConfig(new EnvReader(vars), 8084));

  it('gives the documented defaults on an empty environment', () => {
    expect(read({})).toEqual({
      offlineAfterSeconds: 90,
      heartbeatRetentionDays: 7,
      sweepIntervalMs: 5000,
      heartbeatBatchSize: 500,
      heartbeatBatchWaitMs: 20,
      heartbeatPrefetch: 200,
      heartbeatRetry: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 30_000 },
    });
  });

  it('reads each variable', () => {
    expect(
      read({
        FLEET_OFFLINE_AFTER_SECONDS: '1',
        FLEET_HEARTBEAT_RETENTION_DAYS: '30',
        FLEET_SWEEP_INTERVAL_MS: '200',
        HEARTBEAT_BATCH_SIZE: '100',
        HEARTBEAT_BATCH_WAIT_MS: '0',
        EVENT_MAX_ATTEMPTS: '3',
      }),
    ).toMatchObject({ offlineAfterSeconds: 1, heartbeatRetentionDays: 30, sweepIntervalMs: 200, heartbeatBatchSize: 100, heartbeatBatchWaitMs: 0, heartbeatRetry: { maxAttempts: 3 } });
  });

  it('names the variable in one line when a value is bad', () => {
    expect(() => read({ FLEET_OFFLINE_AFTER_SECONDS: 'soon' })).toThrow('config: FLEET_OFFLINE_AFTER_SECONDS must be a whole number, got "soon"');
    expect(() => read({ HEARTBEAT_BATCH_SIZE: '0' })).toThrow('config: HEARTBEAT_BATCH_SIZE must be between 1 and 5000, got 0');
    expect(() => read({ FLEET_HEARTBEAT_RETENTION_DAYS: '-1' })).toThrow('config: FLEET_HEARTBEAT_RETENTION_DAYS must be between 1 and 3650, got -1');
  });
});
