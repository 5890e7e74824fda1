import { JobClaimView } from '@proctor/contracts';
import type { ContainerCreateOptions } from 'dockerode';

/** Labels on every job container: what start-up reaping and operators find them by. */
export const JOB_LABELS = {
  job: 'proctor.job',
  attempt: 'proctor.attempt',
  agent: 'proctor.agent',
  prefix: 'proctor.prefix',
} as const;

/** The user jobs run as: nobody, never root. */
export const JOB_USER = '65534:65534';
export const JOB_UID = 65534;

/** `<prefix><job id>-<attempt>`: one name per attempt, so a retry never meets its predecessor. */
export function containerName(prefix: string, jobId: string, attempt: number): string {
  return `${prefix}${jobId}-${attempt}`;
}

export interface JobContainerPlan {
  claim: JobClaimView;
  name: string;
  /** The host directory mounted as /workspace. */
  workspaceDir: string;
  agentId: string;
  prefix: string;
}

/**
 * The container a claimed job runs in. Locked down by default: nobody as user, no capabilities, no
 * privilege gain, a read-only root with a small /tmp, no network unless the job asks for the bridge,
 * and the job's CPU, memory (no swap on top) and process limits. One TTY stream keeps stdout and
 * stderr in the order they were written. An init process (docker-init) is PID 1 so that the job's
 * own process gets SIGTERM at a stop: as PID 1 it would ignore it and always wait for SIGKILL.
 * Docker's own log copy is off: the output is kept by the jobs service, not on the agent's disk.
 */
export function containerCreateOptions(plan: JobContainerPlan): ContainerCreateOptions {
  const { claim } = plan;
  const memory = claim.limits.memory_mb * 1024 * 1024;
  return {
    name: plan.name,
    Image: claim.image,
    Cmd: claim.command,
    Env: containerEnv(claim),
    WorkingDir: '/workspace',
    User: JOB_USER,
    Tty: true,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Labels: {
      [JOB_LABELS.job]: claim.job_id,
      [JOB_LABELS.attempt]: String(claim.attempt),
      [JOB_LABELS.agent]: plan.agentId,
      [JOB_LABELS.prefix]: plan.prefix,
    },
    HostConfig: {
      Binds: [`${plan.workspaceDir}:/workspace:rw`],
      NetworkMode: claim.network === 'bridge' ? 'bridge' : 'none',
      ReadonlyRootfs: true,
      // mode=1777: /tmp of a read-only root must stay writable by nobody.
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m,mode=1777' },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Privileged: false,
      Init: true,
      NanoCpus: Math.round(claim.limits.cpus * 1e9),
      Memory: memory,
      MemorySwap: memory,
      PidsLimit: claim.limits.pids,
      LogConfig: { Type: 'none', Config: {} },
      AutoRemove: false,
    },
  };
}

/**
 * The job's environment over a few defaults (CI, HOME in the writable /tmp); the job's id and
 * attempt last, so that a job cannot pretend to be another.
 */
export function containerEnv(claim: Pick<JobClaimView, 'env' | 'job_id' | 'attempt'>): string[] {
  const env: Record<string, string> = { CI: 'true', HOME: '/tmp', ...claim.env, PROCTOR_JOB_ID: claim.job_id, PROCTOR_JOB_ATTEMPT: String(claim.attempt) };
  return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}
