import { EnvReader } from '@proctor/config';
import { readGatewayConfig } from './gateway-config';

describe('readGatewayConfig', () => {
  it('names every development default it falls back to', () => {
    const config = readGatewayConfig(new EnvReader({}));
    expect(config.developmentDefaults).toEqual(['JWT_SECRET', 'ADMIN_PASSWORD', 'FLEET_ADMIN_API_KEY', 'FLEET_API_KEY', 'JOBS_SIGNING_SECRET']);
    expect(config.port).toBe(8080);
    expect(config.jwt.ttlSeconds).toBe(900);
  });

  it("makes seed 004's documented curl key the development admin key, and caches device keys as the issue asks", () => {
    expect(readGatewayConfig(new EnvReader({})).fleet).toEqual({
      adminKey: 'dev-api-key',
      fleetKey: 'dev-fleet-key',
      fleetKeyMayActForDevices: true,
      deviceRateLimitPerMinute: 600,
      authCache: { maxEntries: 100_000, positiveTtlMs: 60_000, negativeTtlMs: 5_000 },
      unknownKeysPerMinute: 60,
      heartbeatBatch: { maxCount: 256, maxWaitMs: 0 },
    });
  });

  it('caches API keys 5 s by default, or as long as API_KEY_CACHE_TTL_MS says (0: not at all)', () => {
    expect(readGatewayConfig(new EnvReader({})).apiKeyCacheTtlMs).toBe(5000);
    expect(readGatewayConfig(new EnvReader({ API_KEY_CACHE_TTL_MS: '0' })).apiKeyCacheTtlMs).toBe(0);
    expect(() => readGatewayConfig(new EnvReader({ API_KEY_CACHE_TTL_MS: '-1' }))).toThrow('API_KEY_CACHE_TTL_MS');
  });

  it('reads how heartbeats are gathered into one broker message, and refuses a batch of none', () => {
    expect(readGatewayConfig(new EnvReader({ HEARTBEAT_PUBLISH_BATCH_MAX: '64', HEARTBEAT_PUBLISH_WAIT_MS: '3' })).fleet.heartbeatBatch).toEqual({ maxCount: 64, maxWaitMs: 3 });
    expect(() => readGatewayConfig(new EnvReader({ HEARTBEAT_PUBLISH_BATCH_MAX: '0' }))).toThrow('HEARTBEAT_PUBLISH_BATCH_MAX');
  });

  it('reads the fleet keys and the legacy allowance from the environment', () => {
    const fleet = readGatewayConfig(
      new EnvReader({ FLEET_API_KEY: 'your-secure-api-key-here', FLEET_ADMIN_API_KEY: 'admin-key-with-more-privileges', FLEET_KEY_MAY_ACT_FOR_DEVICES: 'false' }),
    ).fleet;
    expect(fleet).toMatchObject({ fleetKey: 'your-secure-api-key-here', adminKey: 'admin-key-with-more-privileges', fleetKeyMayActForDevices: false });
  });

  it('refuses one key for both the fleet and the admin', () => {
    expect(() => readGatewayConfig(new EnvReader({ FLEET_API_KEY: 'same-key-here', FLEET_ADMIN_API_KEY: 'same-key-here' }))).toThrow(
      'FLEET_API_KEY must differ from FLEET_ADMIN_API_KEY',
    );
  });

  it('announces nothing when the operator set the secrets', () => {
    const config = readGatewayConfig(
      new EnvReader({
        JWT_SECRET: 'x'.repeat(32),
        ADMIN_PASSWORD: 'long-enough-pass',
        FLEET_API_KEY: 'fleet-key-1234',
        FLEET_ADMIN_API_KEY: 'admin-key-1234',
        JOBS_SIGNING_SECRET: 'jobs-signing-secret-1234',
      }),
    );
    expect(config.developmentDefaults).toEqual([]);
  });

  it('sends submissions to the local jobs service, 50 MiB at most, and keeps streams alive every 15 s', () => {
    expect(readGatewayConfig(new EnvReader({})).jobs).toEqual({
      url: 'http://127.0.0.1:8083',
      signingSecret: 'proctor-development-jobs-signing-secret',
      maxArchiveBytes: 50 * 1024 * 1024,
      submitTimeoutMs: 30_000,
      sseKeepAliveMs: 15_000,
      sseMaxBufferedBytes: 1024 * 1024,
    });
    expect(readGatewayConfig(new EnvReader({ JOBS_URL: 'http://jobs:8083/' })).jobs.url).toBe('http://jobs:8083');
    expect(() => readGatewayConfig(new EnvReader({ JOBS_SIGNING_SECRET: 'short' }))).toThrow('JOBS_SIGNING_SECRET must be at least 16 characters');
  });

  it('refuses a short JWT secret', () => {
    expect(() => readGatewayConfig(new EnvReader({ JWT_SECRET: 'short' }))).toThrow('JWT_SECRET must be at least 16 characters');
  });
});
