import { EnvReader } from '@proctor/config';
import { readGatewayConfig } from '../gateway-config';
import { idempotencyLockSeconds } from '../idempotency/idempotency-settings';

describe('configuration of the agent protocol and Idempotency-Key', () => {
  it('caches agent authentications 10 s and keeps keys 24 h by default', () => {
    const config = readGatewayConfig(new EnvReader({}));
    expect(config.agentAuth).toEqual({ cacheTtlMs: 10_000, cacheMaxEntries: 10_000 });
    expect(config.idempotency).toEqual({ ttlHours: 24, cleanupIntervalMs: 60_000 });
  });

  it('refuses to keep keys less than 24 hours, naming the variable', () => {
    expect(() => readGatewayConfig(new EnvReader({ IDEMPOTENCY_TTL_HOURS: '1' }))).toThrow('config: IDEMPOTENCY_TTL_HOURS must be between 24 and 2160, got 1');
  });

  it('lets a request hold its key longer than any call it guards', () => {
    expect(idempotencyLockSeconds(5000)).toBe(20);
    expect(idempotencyLockSeconds(300)).toBe(11);
  });
});
