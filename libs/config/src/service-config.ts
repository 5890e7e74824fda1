import { EnvReader } from './env-reader';

export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/proctor';

/** What every backend service reads: its port, its database, the broker and its namespace. */
export interface ServiceConfig {
  port: number;
  databaseUrl: string;
  amqpUrl: string;
  namespace: string;
  logLevel: 'debug' | 'log' | 'warn' | 'error';
  rpcPrefetch: number;
  eventPrefetch: number;
  /** Deliveries of a failing event before it goes to `<queue>.dead`. */
  eventMaxAttempts: number;
  eventRetryBaseMs: number;
  /** MESSAGING_RETENTION_HOURS: sent outbox rows and inbox rows older than this are deleted. */
  messagingRetentionHours: number;
}

export function readServiceConfig(env: EnvReader, defaultPort: number): ServiceConfig {
  return {
    port: env.int('PORT', defaultPort, { min: 0, max: 65535 }),
    databaseUrl: env.url('DATABASE_URL', DEFAULT_DATABASE_URL, ['postgres', 'postgresql']),
    amqpUrl: env.url('AMQP_URL', DEFAULT_AMQP_URL, ['amqp', 'amqps']),
    namespace: env.namespace('PROCTOR_NAMESPACE'),
    logLevel: env.oneOf('LOG_LEVEL', 'log', ['debug', 'log', 'warn', 'error'] as const),
    rpcPrefetch: env.int('RPC_PREFETCH', 100, { min: 1, max: 10000 }),
    eventPrefetch: env.int('EVENT_PREFETCH', 20, { min: 1, max: 10000 }),
    eventMaxAttempts: env.int('EVENT_MAX_ATTEMPTS', 5, { min: 1, max: 100 }),
    eventRetryBaseMs: env.int('EVENT_RETRY_BASE_MS', 200, { min: 1, max: 60000 }),
    messagingRetentionHours: env.int('MESSAGING_RETENTION_HOURS', 7 * 24, { min: 1, max: 24 * 3650 }),
  };
}
