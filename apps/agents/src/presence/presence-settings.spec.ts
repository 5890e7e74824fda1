import { EnvReader } from '@proctor/config';
import { readPresenceSettings } from './presence-settings';

describe('readPresenceSettings', () => {
  it('gives the documented defaults', () => {
    expect(readPresenceSettings(new EnvReader({}))).toEqual({
      heartbeatIntervalSeconds: 5,
      offlineAfterSeconds: 15,
      sweepIntervalMs: 500,
      reconcileTimeoutMs: 2000,
      reportsBatch: { maxBatch: 100, maxWaitMs: 250 },
    });
  });

  it('refuses a heartbeat interval that is not below the offline threshold, naming the variable', () => {
    expect(() => readPresenceSettings(new EnvReader({ AGENTS_OFFLINE_AFTER_SECONDS: '2' }))).toThrow(
      'config: AGENTS_HEARTBEAT_INTERVAL_SECONDS must be less than AGENTS_OFFLINE_AFTER_SECONDS (2), got 5',
    );
    expect(readPresenceSettings(new EnvReader({ AGENTS_OFFLINE_AFTER_SECONDS: '2', AGENTS_HEARTBEAT_INTERVAL_SECONDS: '1' })).offlineAfterSeconds).toBe(2);
  });

  it('refuses a sweep interval out of range', () => {
    expect(() => readPresenceSettings(new EnvReader({ AGENTS_SWEEP_INTERVAL_MS: '5' }))).toThrow(/AGENTS_SWEEP_INTERVAL_MS must be between 50/);
  });
});
