import { ConfigError, DevelopmentDefaults, EnvReader, ServiceConfig } from '@proctor/config';
import { RetryPolicy } from '@proctor/messaging';
import { parseCidr } from './webhook/webhook-target-policy';

/** What a job gets when its spec says nothing (JOBS_DEFAULT_*). */
export interface JobDefaults {
  image: string;
  /** JOBS_DEFAULT_COMMAND, run as `sh -c <command>`. */
  command: string[];
  timeoutSeconds: number;
  cpus: number;
  memoryMb: number;
  pids: number;
}

/** Limits on what a submission may be; over them it is refused before anything is stored. */
export interface ArchiveLimits {
  /** JOBS_MAX_ARCHIVE_BYTES: the zip itself (413 above). */
  maxArchiveBytes: number;
  /** JOBS_MAX_UNCOMPRESSED_BYTES: the sum of the entries' sizes once unpacked (a zip bomb above). */
  maxUncompressedBytes: number;
  /** JOBS_MAX_ARCHIVE_ENTRIES. */
  maxEntries: number;
  /** JOBS_MAX_COMPRESSION_RATIO: an entry expanding more than this is refused as a bomb. */
  maxCompressionRatio: number;
}

/** What the jobs service reads beyond the shared variables; read once, at start. */
export interface JobsConfig {
  defaults: JobDefaults;
  archive: ArchiveLimits;
  /** JOBS_SIGNING_SECRET: signs workspace and artifact URLs and the gateway's submissions (shared with the gateway). */
  signingSecret: string;
  /** JOBS_PUBLIC_URL: how agents reach this service's HTTP port (the base of signed URLs). */
  publicUrl: string;
  /** JOBS_URL_TTL_SECONDS: how long a signed URL works. */
  urlTtlSeconds: number;
  /** JOBS_MAX_ARTIFACT_BYTES: one artifact upload. */
  maxArtifactBytes: number;
  /** JOBS_WEBHOOK_SECRET: the HMAC key of webhook signatures. */
  webhookSecret: string;
  /** JOBS_WEBHOOK_MAX_ATTEMPTS and JOBS_WEBHOOK_RETRY_BASE_MS: a webhook is retried with backoff, then given up. */
  webhookRetry: RetryPolicy;
  /** JOBS_WEBHOOK_ALLOWED_CIDRS: internal networks webhooks may reach (comma-separated); every other internal address is refused. */
  webhookAllowedCidrs: string[];
  /** JOBS_CLAIM_TIMEOUT_SECONDS: an offer not claimed within this goes back to the queue. */
  claimTimeoutSeconds: number;
  /** JOBS_CANCEL_RESEND_SECONDS: a cancel the agent has not acknowledged is sent again after this. */
  cancelResendSeconds: number;
  /** JOBS_RUN_GRACE_SECONDS: past its timeout plus this, a running job with no word from its agent is timed out. */
  runGraceSeconds: number;
  /** JOBS_SWEEP_INTERVAL_MS: how often offers, cancels, overdue runs and webhooks are looked at. */
  sweepIntervalMs: number;
  /** JOBS_DEFAULT_MAX_PER_AGENT: jobs at once on an agent that does not say (docker.max_jobs). */
  defaultMaxJobsPerAgent: number;
  /** Retries of a report or log batch whose handling failed (the shared EVENT_MAX_ATTEMPTS and EVENT_RETRY_BASE_MS). */
  reportRetry: RetryPolicy;
  /** Variables left at their development default: announced loudly at start. */
  developmentDefaults: string[];
}

export const JOBS_CONFIG = Symbol('JOBS_CONFIG');

export const DEV_JOBS_SIGNING_SECRET = 'proctor-development-jobs-signing-secret';
const DEV_JOBS_WEBHOOK_SECRET = 'proctor-development-webhook-secret';

export function readJobsConfig(env: EnvReader, shared: Pick<ServiceConfig, 'eventMaxAttempts' | 'eventRetryBaseMs'>): JobsConfig {
  const development = new DevelopmentDefaults(env);
  const signingSecret = development.string('JOBS_SIGNING_SECRET', DEV_JOBS_SIGNING_SECRET);
  if (signingSecret.length < 16) throw new ConfigError('JOBS_SIGNING_SECRET', 'must be at least 16 characters');
  const webhookSecret = development.string('JOBS_WEBHOOK_SECRET', DEV_JOBS_WEBHOOK_SECRET);
  const command = env.string('JOBS_DEFAULT_COMMAND', 'sh ./run-tests.sh');
  return {
    defaults: {
      image: env.string('JOBS_DEFAULT_IMAGE', 'proctor-runner:latest'),
      command: ['sh', '-c', command],
      timeoutSeconds: env.int('JOBS_DEFAULT_TIMEOUT_SECONDS', 3600, { min: 1, max: 86400 }),
      cpus: env.int('JOBS_DEFAULT_CPUS_MILLI', 1000, { min: 10, max: 64000 }) / 1000,
      memoryMb: env.int('JOBS_DEFAULT_MEMORY_MB', 1024, { min: 4, max: 65536 }),
      pids: env.int('JOBS_DEFAULT_PIDS', 512, { min: 8, max: 32768 }),
    },
    archive: {
      maxArchiveBytes: env.int('JOBS_MAX_ARCHIVE_BYTES', 50 * 1024 * 1024, { min: 1024, max: 1024 * 1024 * 1024 }),
      maxUncompressedBytes: env.int('JOBS_MAX_UNCOMPRESSED_BYTES', 500 * 1024 * 1024, { min: 1024, max: 16 * 1024 * 1024 * 1024 }),
      maxEntries: env.int('JOBS_MAX_ARCHIVE_ENTRIES', 10_000, { min: 1, max: 1_000_000 }),
      maxCompressionRatio: env.int('JOBS_MAX_COMPRESSION_RATIO', 200, { min: 2, max: 100_000 }),
    },
    signingSecret,
    publicUrl: env.url('JOBS_PUBLIC_URL', 'http://127.0.0.1:8083', ['http', 'https']).replace(/\/+$/, ''),
    urlTtlSeconds: env.int('JOBS_URL_TTL_SECONDS', 900, { min: 10, max: 7 * 24 * 3600 }),
    maxArtifactBytes: env.int('JOBS_MAX_ARTIFACT_BYTES', 10 * 1024 * 1024, { min: 1024, max: 1024 * 1024 * 1024 }),
    webhookSecret,
    webhookRetry: {
      maxAttempts: env.int('JOBS_WEBHOOK_MAX_ATTEMPTS', 8, { min: 1, max: 100 }),
      baseDelayMs: env.int('JOBS_WEBHOOK_RETRY_BASE_MS', 1000, { min: 1, max: 3_600_000 }),
      maxDelayMs: 10 * 60_000,
    },
    webhookAllowedCidrs: readCidrList(env, 'JOBS_WEBHOOK_ALLOWED_CIDRS'),
    claimTimeoutSeconds: env.int('JOBS_CLAIM_TIMEOUT_SECONDS', 30, { min: 1, max: 3600 }),
    cancelResendSeconds: env.int('JOBS_CANCEL_RESEND_SECONDS', 10, { min: 1, max: 3600 }),
    runGraceSeconds: env.int('JOBS_RUN_GRACE_SECONDS', 120, { min: 1, max: 86400 }),
    sweepIntervalMs: env.int('JOBS_SWEEP_INTERVAL_MS', 2000, { min: 10, max: 600_000 }),
    defaultMaxJobsPerAgent: env.int('JOBS_DEFAULT_MAX_PER_AGENT', 2, { min: 1, max: 256 }),
    reportRetry: { maxAttempts: shared.eventMaxAttempts, baseDelayMs: shared.eventRetryBaseMs, maxDelayMs: 30_000 },
    developmentDefaults: development.used,
  };
}

function readCidrList(env: EnvReader, name: string): string[] {
  const cidrs = (env.optionalString(name) ?? '')
    .split(',')
    .map((cidr) => cidr.trim())
    .filter((cidr) => cidr !== '');
  for (const cidr of cidrs) {
    try {
      parseCidr(cidr);
    } catch (e) {
      throw new ConfigError(name, (e as Error).message);
    }
  }
  return cidrs;
}
