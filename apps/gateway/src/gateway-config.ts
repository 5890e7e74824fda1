import { ConfigError, DevelopmentDefaults, EnvReader, readServiceConfig, ServiceConfig } from '@proctor/config';
import { JWT_AUDIENCE, JWT_ISSUER, JwtSettings } from '@proctor/auth';

export interface GatewayConfig extends ServiceConfig {
  jwt: JwtSettings;
  admin: { username: string; password: string };
  /** Variables left at their development default: announced loudly at start. */
  developmentDefaults: string[];
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  rpcTimeoutMs: number;
  fleet: FleetApiConfig;
  /** The agent protocol's cache of positive authentications (AGENT_AUTH_CACHE_TTL_MS, AGENT_AUTH_CACHE_SIZE). */
  agentAuth: { cacheTtlMs: number; cacheMaxEntries: number };
  /**
   * API_KEY_CACHE_TTL_MS: how long a CI client's API key found in Postgres is trusted without asking
   * again (0: never cached). A key revoked through another replica works here until then.
   */
  apiKeyCacheTtlMs: number;
  /** `Idempotency-Key`: how long keys are kept (IDEMPOTENCY_TTL_HOURS, at least 24) and swept (IDEMPOTENCY_CLEANUP_INTERVAL_MS). */
  idempotency: { ttlHours: number; cleanupIntervalMs: number };
  jobs: JobsApiConfig;
}

/** The CI API: where submissions go, how big they may be, and how live log streams behave. */
export interface JobsApiConfig {
  /** JOBS_URL: the jobs service's HTTP port, which takes submissions and serves artifacts. */
  url: string;
  /** JOBS_SIGNING_SECRET: signs submissions forwarded to the jobs service (the same value there). */
  signingSecret: string;
  /** JOBS_MAX_ARCHIVE_BYTES: the uploaded zip; over it, 413 before anything is forwarded. */
  maxArchiveBytes: number;
  /** JOBS_SUBMIT_TIMEOUT_MS: how long the jobs service may take to store a submission or start an artifact download. */
  submitTimeoutMs: number;
  /** SSE_KEEPALIVE_SECONDS: a comment line on a quiet stream, so that proxies keep it open. */
  sseKeepAliveMs: number;
  /** SSE_MAX_BUFFERED_BYTES: a client whose socket holds more than this unsent is dropped (it may resume by Last-Event-ID). */
  sseMaxBufferedBytes: number;
}

/** The fleet API's credentials and the memory it keeps of device keys. */
export interface FleetApiConfig {
  /** FLEET_ADMIN_API_KEY: everything, as an admin's bearer token may. */
  adminKey: string;
  /** FLEET_API_KEY: the fleet-wide key devices are provisioned with; registers devices. */
  fleetKey: string;
  /** FLEET_KEY_MAY_ACT_FOR_DEVICES: the fleet key may also heartbeat, report status and read the record and events of any device. */
  fleetKeyMayActForDevices: boolean;
  deviceRateLimitPerMinute: number;
  authCache: { maxEntries: number; positiveTtlMs: number; negativeTtlMs: number };
  /** Unknown API keys one address may present in a minute before its uncached keys get 429 instead of a lookup. */
  unknownKeysPerMinute: number;
  /** HEARTBEAT_PUBLISH_BATCH_MAX, HEARTBEAT_PUBLISH_WAIT_MS: heartbeats published together in one broker message. */
  heartbeatBatch: { maxCount: number; maxWaitMs: number };
}

const DEV_JWT_SECRET = 'proctor-development-jwt-secret-change-me';
const DEV_ADMIN_PASSWORD = 'admin123';
// The key seed 004's curl examples send for every call (register, list, get): as the admin key, they work as written.
const DEV_FLEET_ADMIN_API_KEY = 'dev-api-key';
const DEV_FLEET_API_KEY = 'dev-fleet-key';
// The jobs service's development default too: a development gateway and jobs service agree out of the box.
const DEV_JOBS_SIGNING_SECRET = 'proctor-development-jobs-signing-secret';

export function readGatewayConfig(env: EnvReader): GatewayConfig {
  const development = new DevelopmentDefaults(env);
  const secret = development.string('JWT_SECRET', DEV_JWT_SECRET);
  if (secret.length < 16) throw new ConfigError('JWT_SECRET', 'must be at least 16 characters');
  const adminPassword = development.string('ADMIN_PASSWORD', DEV_ADMIN_PASSWORD);
  const fleetAdminKey = development.string('FLEET_ADMIN_API_KEY', DEV_FLEET_ADMIN_API_KEY);
  const fleetKey = development.string('FLEET_API_KEY', DEV_FLEET_API_KEY);
  if (fleetKey === fleetAdminKey) throw new ConfigError('FLEET_API_KEY', 'must differ from FLEET_ADMIN_API_KEY');
  const jobsSigningSecret = development.string('JOBS_SIGNING_SECRET', DEV_JOBS_SIGNING_SECRET);
  if (jobsSigningSecret.length < 16) throw new ConfigError('JOBS_SIGNING_SECRET', 'must be at least 16 characters');
  return {
    ...readServiceConfig(env, 8080),
    jwt: {
      secret,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ttlSeconds: env.int('JWT_TTL_SECONDS', 900, { min: 30, max: 86400 }),
    },
    admin: { username: env.string('ADMIN_USERNAME', 'admin'), password: adminPassword },
    developmentDefaults: development.used,
    rateLimitPerMinute: env.int('RATE_LIMIT_PER_MINUTE', 6000, { min: 1, max: 100_000_000 }),
    bodyLimitBytes: env.int('BODY_LIMIT_BYTES', 1024 * 1024, { min: 1024, max: 1024 * 1024 * 1024 }),
    rpcTimeoutMs: env.int('RPC_TIMEOUT_MS', 5000, { min: 50, max: 120000 }),
    fleet: {
      adminKey: fleetAdminKey,
      fleetKey,
      fleetKeyMayActForDevices: env.bool('FLEET_KEY_MAY_ACT_FOR_DEVICES', true),
      deviceRateLimitPerMinute: env.int('DEVICE_RATE_LIMIT_PER_MINUTE', 600, { min: 1, max: 100_000_000 }),
      authCache: {
        maxEntries: env.int('FLEET_AUTH_CACHE_SIZE', 100_000, { min: 1, max: 10_000_000 }),
        positiveTtlMs: env.int('FLEET_AUTH_CACHE_TTL_MS', 60_000, { min: 0, max: 3_600_000 }),
        negativeTtlMs: env.int('FLEET_AUTH_NEGATIVE_TTL_MS', 5_000, { min: 0, max: 3_600_000 }),
      },
      unknownKeysPerMinute: env.int('FLEET_UNKNOWN_KEYS_PER_MINUTE', 60, { min: 1, max: 100_000_000 }),
      heartbeatBatch: {
        maxCount: env.int('HEARTBEAT_PUBLISH_BATCH_MAX', 256, { min: 1, max: 10_000 }),
        maxWaitMs: env.int('HEARTBEAT_PUBLISH_WAIT_MS', 0, { min: 0, max: 1000 }),
      },
    },
    apiKeyCacheTtlMs: env.int('API_KEY_CACHE_TTL_MS', 5_000, { min: 0, max: 300_000 }),
    agentAuth: {
      cacheTtlMs: env.int('AGENT_AUTH_CACHE_TTL_MS', 10_000, { min: 0, max: 300_000 }),
      cacheMaxEntries: env.int('AGENT_AUTH_CACHE_SIZE', 10_000, { min: 1, max: 1_000_000 }),
    },
    idempotency: {
      ttlHours: env.int('IDEMPOTENCY_TTL_HOURS', 24, { min: 24, max: 24 * 90 }),
      cleanupIntervalMs: env.int('IDEMPOTENCY_CLEANUP_INTERVAL_MS', 60_000, { min: 100, max: 3_600_000 }),
    },
    jobs: {
      url: env.url('JOBS_URL', 'http://127.0.0.1:8083', ['http', 'https']).replace(/\/+$/, ''),
      signingSecret: jobsSigningSecret,
      maxArchiveBytes: env.int('JOBS_MAX_ARCHIVE_BYTES', 50 * 1024 * 1024, { min: 1024, max: 1024 * 1024 * 1024 }),
      submitTimeoutMs: env.int('JOBS_SUBMIT_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 }),
      sseKeepAliveMs: env.int('SSE_KEEPALIVE_SECONDS', 15, { min: 1, max: 300 }) * 1000,
      sseMaxBufferedBytes: env.int('SSE_MAX_BUFFERED_BYTES', 1024 * 1024, { min: 1024, max: 256 * 1024 * 1024 }),
    },
  };
}
