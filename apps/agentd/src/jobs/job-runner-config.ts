import { DaemonConfig, DaemonSetting } from '@proctor/messaging';

/** How agentd runs CI jobs, read once at start from the `jobs:` section of its configuration. */
export interface JobRunnerConfig {
  /** Jobs at once; announced as the Docker capability's `max_jobs`. */
  maxConcurrent: number;
  /** Where each job's workspace is unpacked (`<work_dir>/<container name>/workspace`). */
  workDir: string;
  /** Names and labels every job container: the configured prefix, then the broker namespace if any. */
  containerPrefix: string;
  /** Between SIGTERM and SIGKILL when a job is stopped (timeout, cancel, drain). */
  stopGraceSeconds: number;
  /** On SIGTERM, how long running jobs may take to finish before they are stopped and reported lost. */
  drainSeconds: number;
  /** The archive as downloaded. */
  maxArchiveBytes: number;
  /** The workspace once unpacked. */
  maxWorkspaceBytes: number;
  /** One artifact upload. */
  maxArtifactBytes: number;
}

const MIB = 1024 * 1024;

/** agentd's `jobs.*` settings (file, `AGENTD_JOBS_*`, `--jobs-*`). */
export const JOB_RUNNER_SETTINGS = [
  { file: 'jobs.max_concurrent', help: 'CI jobs run at once (default 2; 0: none)', type: 'int', default: 2, min: 0, max: 256 },
  {
    file: 'jobs.work_dir',
    help: 'directory of job workspaces, on the Docker host (default /var/lib/proctor/jobs)',
    type: 'string',
    default: '/var/lib/proctor/jobs',
    pattern: /^\/./,
    patternHelp: 'must be an absolute path',
  },
  {
    file: 'jobs.container_prefix',
    help: 'name prefix of job containers (default proctor-job-; the namespace is added)',
    type: 'string',
    default: 'proctor-job-',
    pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    patternHelp: 'may hold only letters, digits, ".", "-" and "_" (at most 64, starting with a letter or digit)',
  },
  { file: 'jobs.stop_grace_seconds', help: 'SIGTERM to SIGKILL when a job is stopped (default 10)', type: 'int', default: 10, min: 0, max: 300 },
  { file: 'jobs.drain_seconds', help: 'on SIGTERM, seconds running jobs may take to finish (default 30)', type: 'int', default: 30, min: 0, max: 3600 },
  { file: 'jobs.max_archive_mb', help: 'largest workspace archive downloaded, MiB (default 1024)', type: 'int', default: 1024, min: 1, max: 65536 },
  { file: 'jobs.max_workspace_mb', help: 'largest workspace once unpacked, MiB (default 8192)', type: 'int', default: 8192, min: 1, max: 1048576 },
  { file: 'jobs.max_artifact_mb', help: 'largest artifact uploaded, MiB (default 100)', type: 'int', default: 100, min: 1, max: 65536 },
] as const satisfies readonly DaemonSetting[];

type SettingKey = (typeof JOB_RUNNER_SETTINGS)[number]['file'];

/**
 * The job runner's configuration; a setting absent from `config.settings` (a configuration built
 * by hand, as tests do) takes its default.
 */
export function jobRunnerConfig(config: DaemonConfig): JobRunnerConfig {
  const int = (key: SettingKey): number => {
    const value = config.settings[key] ?? JOB_RUNNER_SETTINGS.find((s) => s.file === key)?.default;
    if (typeof value !== 'number') throw new Error(`setting ${key} is not a number`);
    return value;
  };
  const string = (key: SettingKey): string => {
    const value = config.settings[key] ?? JOB_RUNNER_SETTINGS.find((s) => s.file === key)?.default;
    if (typeof value !== 'string') throw new Error(`setting ${key} is not a string`);
    return value;
  };
  return {
    maxConcurrent: int('jobs.max_concurrent'),
    workDir: string('jobs.work_dir'),
    containerPrefix: containerPrefix(string('jobs.container_prefix'), config.namespace),
    stopGraceSeconds: int('jobs.stop_grace_seconds'),
    drainSeconds: int('jobs.drain_seconds'),
    maxArchiveBytes: int('jobs.max_archive_mb') * MIB,
    maxWorkspaceBytes: int('jobs.max_workspace_mb') * MIB,
    maxArtifactBytes: int('jobs.max_artifact_mb') * MIB,
  };
}

/**
 * The prefix with the broker namespace, as the seed's CI_CONTAINER_PREFIX isolated parallel runs:
 * two daemons of different installations (or test runs) on one engine never touch each other's
 * containers.
 */
export function containerPrefix(configured: string, namespace: string): string {
  return namespace ? `${configured}${namespace}-` : configured;
}

/**
 * How long agentd's drain may take: the tasks' drain timeout, or the jobs' drain and one stop
 * grace after it, whichever is longer.
 */
export function agentDrainSeconds(config: DaemonConfig): number {
  const jobs = jobRunnerConfig(config);
  return Math.max(config.drainTimeoutSeconds, jobs.drainSeconds + jobs.stopGraceSeconds);
}
