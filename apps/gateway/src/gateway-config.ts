import { ConfigError, EnvReader, readServiceConfig, ServiceConfig } from '@proctor/config';
import { JWT_AUDIENCE, JWT_ISSUER, JwtSettings } from '@proctor/auth';

export interface GatewayConfig extends ServiceConfig {
  jwt: JwtSettings;
  admin: { username: string; password: string };
  /** Variables left at their development default: announced loudly at start. */
  developmentDefaults: string[];
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  rpcTimeoutMs: number;
}

const DEV_JWT_SECRET = 'proctor-development-jwt-secret-change-me';
const DEV_ADMIN_PASSWORD = 'admin123';

export function readGatewayConfig(env: EnvReader): GatewayConfig {
  const developmentDefaults: string[] = [];
  const withDevDefault = (name: string, fallback: string) => {
    const value = env.optionalString(name);
    if (value !== undefined) return value;
    developmentDefaults.push(name);
    return fallback;
  };
  const secret = withDevDefault('JWT_SECRET', DEV_JWT_SECRET);
  if (secret.length < 16) throw new ConfigError('JWT_SECRET', 'must be at least 16 characters');
  return {
    ...readServiceConfig(env, 8080),
    jwt: {
      secret,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ttlSeconds: env.int('JWT_TTL_SECONDS', 900, { min: 30, max: 86400 }),
    },
    admin: { username: env.string('ADMIN_USERNAME', 'admin'), password: withDevDefault('ADMIN_PASSWORD', DEV_ADMIN_PASSWORD) },
    developmentDefaults,
    rateLimitPerMinute: env.int('RATE_LIMIT_PER_MINUTE', 6000, { min: 1, max: 100_000_000 }),
    bodyLimitBytes: env.int('BODY_LIMIT_BYTES', 1024 * 1024, { min: 1024, max: 1024 * 1024 * 1024 }),
    rpcTimeoutMs: env.int('RPC_TIMEOUT_MS', 5000, { min: 50, max: 120000 }),
  };
}
