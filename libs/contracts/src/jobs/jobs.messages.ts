/** RPC verbs of the jobs service on `proctor.rpc`. */
export enum JobsRpc {
  /** A job with no archive (an empty workspace): `POST /v1/jobs` with a JSON spec. */
  Create = 'jobs.create',
  List = 'jobs.list',
  Get = 'jobs.get',
  /** Stored log chunks of a job, in order, after a position: the replay half of a stream. */
  Logs = 'jobs.logs',
  Cancel = 'jobs.cancel',
  Artifacts = 'jobs.artifacts',
  /** A signed, short-lived download URL of one artifact (served by the jobs service's HTTP port). */
  ArtifactLink = 'jobs.artifact-link',
  /** An agent takes the job it was offered: the conditional update that makes it the only runner. */
  Claim = 'jobs.claim',
  /** An agent (re)starting says which jobs it still runs; the others it held are lost. */
  Reconcile = 'jobs.reconcile',
}

/** Domain events of the jobs service on `proctor.events` (written to its outbox). */
export enum JobsEvent {
  Queued = 'jobs.job.queued',
  Started = 'jobs.job.started',
  /** Terminal: completed, failed, canceled or timed_out. The gateway ends SSE streams on it. */
  Finished = 'jobs.job.finished',
}

/** What agent daemons publish on `proctor.reports` about jobs. */
export enum JobReport {
  /** The daemon got a cancel and is stopping the container (the acknowledgement). */
  Cancelling = 'job.cancelling',
  Finished = 'job.finished',
}

/** Routing key of a job's log chunks on `proctor.logs`: `job.<id>`. */
export function jobLogRoutingKey(jobId: string): string {
  return `job.${jobId}`;
}

export enum JobErrorCode {
  NotFound = 'job_not_found',
  /** Cancel of a finished job, claim of a job offered to someone else or canceled meanwhile. */
  StateConflict = 'job_state_conflict',
  /** A report or claim for an attempt that is no longer the job's current one. */
  AttemptStale = 'job_attempt_stale',
  /** The zip is not a readable zip, escapes its workspace, or is a bomb (details say which). */
  ArchiveInvalid = 'job_archive_invalid',
  /** Over the archive size limit: 413. */
  ArchiveTooLarge = 'job_archive_too_large',
  /** `proctor.yml` or the form fields do not make a valid job spec. */
  SpecInvalid = 'job_spec_invalid',
  ArtifactNotFound = 'job_artifact_not_found',
}

/**
 * queued → assigned (offered to one agent) → running (claimed) → completed | failed | timed_out |
 * canceled. `assigned` goes back to `queued` when the agent does not claim in time.
 */
export const JOB_STATUSES = ['queued', 'assigned', 'running', 'completed', 'failed', 'canceled', 'timed_out'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'canceled', 'timed_out'];

/** How a run ended, as the agent saw it. `lost`: the agent restarted and reaped the container. */
export const JOB_OUTCOMES = ['succeeded', 'failed', 'timed_out', 'canceled', 'lost'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];
