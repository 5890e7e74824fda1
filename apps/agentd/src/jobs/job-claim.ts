import { JOB_NETWORKS, JobClaimView, JobNetwork } from '@proctor/contracts';

type Fields = Record<string, unknown>;

/**
 * The claim answer, checked field by field before anything runs: the daemon turns it into a
 * container, so a field it does not understand must stop the job with the reason rather than be
 * guessed at. Throws naming the bad field.
 */
export function parseJobClaim(value: unknown, expected: { job_id: string; attempt: number }): JobClaimView {
  if (!isObject(value)) throw new Error('the claim answer is not a JSON object');
  if (value.job_id !== expected.job_id) throw new Error(`job_id ${JSON.stringify(value.job_id)} is not the job claimed`);
  if (value.attempt !== expected.attempt) throw new Error(`attempt ${JSON.stringify(value.attempt)} is not the attempt claimed`);
  if (typeof value.image !== 'string' || value.image === '') throw new Error('image must be a non-empty string');
  if (!Array.isArray(value.command) || value.command.length === 0 || !value.command.every((c) => typeof c === 'string')) {
    throw new Error('command must be a non-empty list of strings');
  }
  if (!isObject(value.env) || !Object.values(value.env).every((v) => typeof v === 'string')) throw new Error('env must be a map of strings');
  for (const key of Object.keys(value.env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) throw new Error(`env has a bad name ${JSON.stringify(key)}`);
  }
  const timeout = value.timeout_seconds;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1) throw new Error('timeout_seconds must be a whole number from 1');
  if (!isObject(value.limits)) throw new Error('limits must be an object');
  const { cpus, memory_mb, pids } = value.limits;
  if (typeof cpus !== 'number' || !(cpus > 0)) throw new Error('limits.cpus must be a positive number');
  if (typeof memory_mb !== 'number' || !Number.isInteger(memory_mb) || memory_mb < 4) throw new Error('limits.memory_mb must be a whole number from 4');
  if (typeof pids !== 'number' || !Number.isInteger(pids) || pids < 1) throw new Error('limits.pids must be a whole number from 1');
  if (!JOB_NETWORKS.includes(value.network as JobNetwork)) throw new Error(`network must be one of ${JOB_NETWORKS.join(', ')}`);
  if (!Array.isArray(value.artifacts) || !value.artifacts.every((a) => typeof a === 'string')) throw new Error('artifacts must be a list of strings');
  if (value.workspace_url !== null && !isHttpUrl(value.workspace_url)) throw new Error('workspace_url must be an http(s) URL or null');
  if (!isHttpUrl(value.artifact_upload_url)) throw new Error('artifact_upload_url must be an http(s) URL');
  return {
    job_id: expected.job_id,
    attempt: expected.attempt,
    image: value.image,
    command: value.command as string[],
    env: value.env as Record<string, string>,
    timeout_seconds: timeout,
    limits: { cpus, memory_mb, pids },
    network: value.network as JobNetwork,
    artifacts: value.artifacts as string[],
    workspace_url: value.workspace_url,
    artifact_upload_url: value.artifact_upload_url,
  };
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
