import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsStringMap } from '../common/is-string-map';
import { PageRequest } from '../common/page';
import { JOB_STATUSES, JobStatus } from './jobs.messages';

export const JOB_NETWORKS = ['none', 'bridge'] as const;
export type JobNetwork = (typeof JOB_NETWORKS)[number];

/** Per-job container limits; absent ones take the installation's defaults. */
export class JobLimits {
  @ApiPropertyOptional({ example: 1.5, description: 'CPUs (fractions allowed)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(64)
  cpus?: number;

  @ApiPropertyOptional({ example: 512, description: 'memory in MiB; swap is not added on top' })
  @IsOptional()
  @IsInt()
  @Min(4)
  @Max(65536)
  memory_mb?: number;

  @ApiPropertyOptional({ example: 256, description: 'most processes the container may hold' })
  @IsOptional()
  @IsInt()
  @Min(8)
  @Max(32768)
  pids?: number;
}

/**
 * What a job runs and under which rules. The same keys come from a `proctor.yml` at the archive
 * root, from the submit form's fields (which win) or from a JSON body; installation defaults fill
 * in the rest.
 */
export class JobSpec {
  @ApiPropertyOptional({ example: 'proctor-runner:latest', description: 'container image; installation default when absent' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  image?: string;

  @ApiPropertyOptional({ example: ['sh', '-c', 'make test'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  command?: string[];

  @ApiPropertyOptional({ example: { CI: 'true' }, description: 'environment of the container; values are never shown back' })
  @IsOptional()
  @IsObject()
  @IsStringMap()
  env?: Record<string, string>;

  @ApiPropertyOptional({ example: 600, description: 'the run is stopped after this and ends timed_out' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86400)
  timeout_seconds?: number;

  @ApiPropertyOptional({ type: JobLimits })
  @IsOptional()
  @ValidateNested()
  @Type(() => JobLimits)
  limits?: JobLimits;

  @ApiPropertyOptional({ enum: JOB_NETWORKS, description: 'none unless the job needs the network' })
  @IsOptional()
  @IsIn(JOB_NETWORKS)
  network?: JobNetwork;

  @ApiPropertyOptional({ example: ['reports/junit.xml'], description: 'files (relative to the workspace) collected after the run' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @Matches(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[^\0]{1,256}$/, { each: true, message: 'artifacts must be relative paths inside the workspace' })
  artifacts?: string[];

  @ApiPropertyOptional({ example: 0, description: 'higher runs first; FIFO within a priority' })
  @IsOptional()
  @IsInt()
  @Min(-100)
  @Max(100)
  priority?: number;

  @ApiPropertyOptional({ example: { team: 'net' } })
  @IsOptional()
  @IsObject()
  @IsStringMap()
  labels?: Record<string, string>;

  @ApiPropertyOptional({ example: 1, description: 'runs again this many times when its agent is lost' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5)
  retries?: number;

  @ApiPropertyOptional({ example: 'https://ci.example.com/hooks/proctor', description: 'POSTed the finished job, signed, retried with backoff' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @Length(1, 2048)
  webhook_url?: string;
}

/** `POST /v1/jobs` with a JSON body: a job with an empty workspace. */
export class CreateJobRequest extends JobSpec {}

/** What the gateway sends the jobs service: the client's request and who submitted it. */
export class CreateJobMessage extends CreateJobRequest {
  @IsOptional()
  @IsString()
  @Length(1, 128)
  submitted_by?: string;
}

export class ListJobsRequest extends PageRequest {
  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  @ApiPropertyOptional({ example: 'admin' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  submitted_by?: string;

  @ApiPropertyOptional({ example: 'team=net', description: 'key=value: jobs carrying that label' })
  @IsOptional()
  @IsString()
  @Matches(/^[^=]{1,64}=.{0,256}$/, { message: 'label must be key=value' })
  label?: string;

  @ApiPropertyOptional({ example: '2026-11-23T00:00:00Z', description: 'created at or after' })
  @IsOptional()
  @IsISO8601()
  created_after?: string;

  @ApiPropertyOptional({ example: '2026-11-24T00:00:00Z', description: 'created before' })
  @IsOptional()
  @IsISO8601()
  created_before?: string;
}

/** What the agent did to stop a canceled job. */
export interface JobStopped {
  container: string;
  /** SIGTERM when the job stopped within the grace period, SIGKILL after it. */
  signal: 'SIGTERM' | 'SIGKILL';
}

/** The seed's fields (job_id, status, success, start_time, end_time) and Proctor's. */
export interface JobView {
  job_id: string;
  status: JobStatus;
  success: boolean | null;
  start_time: string | null;
  end_time: string | null;
  image: string;
  command: string[];
  /** Names only: values may be secrets. */
  env_keys: string[];
  timeout_seconds: number;
  limits: Required<JobLimits>;
  network: JobNetwork;
  artifacts: string[];
  priority: number;
  labels: Record<string, string>;
  retries: number;
  webhook_url: string | null;
  submitted_by: string | null;
  agent_id: string | null;
  attempt: number;
  exit_code: number | null;
  /** Why it failed, timed out or was canceled, in words. */
  reason: string | null;
  cancel_requested_at: string | null;
  stopped: JobStopped | null;
  archive: { size: number; sha256: string } | null;
  created_at: string;
}

/** A batch of output lines; `attempt`-`seq` is its SSE event id. */
export interface JobLogChunk {
  attempt: number;
  seq: number;
  data: string;
  at: string;
}

export class JobLogsRequest {
  @IsUUID()
  id: string;

  /** Chunks strictly after (after_attempt, after_seq); from the beginning when absent. */
  @IsOptional()
  @IsInt()
  @Min(1)
  after_attempt?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  after_seq?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}

export interface JobLogsView {
  job_id: string;
  status: JobStatus;
  success: boolean | null;
  chunks: JobLogChunk[];
  /** More chunks are stored after the last of this page. */
  more: boolean;
  /** Once finished: the last chunk the run produced, so a reader knows when it has them all. */
  last: { attempt: number; seq: number } | null;
}

export class CancelJobRequest {
  @IsUUID()
  id: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  requested_by?: string;
}

export interface JobArtifactView {
  path: string;
  size: number;
  sha256: string;
  created_at: string;
}

export class ArtifactLinkRequest {
  @IsUUID()
  id: string;

  @IsString()
  @Length(1, 256)
  path: string;
}

export interface ArtifactLinkView {
  url: string;
  expires_at: string;
}

/** `jobs.job.queued`. */
export interface JobQueuedEvent {
  job_id: string;
  priority: number;
}

/** `jobs.job.started`: claimed by an agent. */
export interface JobStartedEvent {
  job_id: string;
  attempt: number;
  agent_id: string;
}

/** `jobs.job.finished`: also what the webhook is sent. */
export interface JobFinishedEvent {
  job_id: string;
  status: JobStatus;
  success: boolean;
  attempt: number;
  exit_code: number | null;
  reason: string | null;
  /** The last log chunk of the run (0 when it printed nothing). */
  last_seq: number;
  end_time: string;
}

// ---- agent protocol ----

/** Commands for jobs on an agent's queue (`proctor.agents`, routing key = agent id). */
export type JobCommand = { command: 'run_job'; job_id: string; attempt: number } | { command: 'cancel_job'; job_id: string; attempt: number };

/** `POST /v1/agent/jobs/{id}/claim`: the agent takes the job it was offered. */
export class ClaimJobMessage {
  @IsUUID()
  agent_id: string;

  @IsUUID()
  job_id: string;

  @IsInt()
  @Min(1)
  attempt: number;
}

/** Everything the agent needs to run a claimed job; the archive comes by its signed URL. */
export interface JobClaimView {
  job_id: string;
  attempt: number;
  image: string;
  command: string[];
  env: Record<string, string>;
  timeout_seconds: number;
  limits: Required<JobLimits>;
  network: JobNetwork;
  artifacts: string[];
  /** Signed, expiring GET of the zip; null for a job with no archive. */
  workspace_url: string | null;
  /** Signed, expiring PUT base; the agent adds `&path=<artifact path>`. */
  artifact_upload_url: string;
}

export class HeldJob {
  @IsUUID()
  job_id: string;

  @IsInt()
  @Min(1)
  attempt: number;
}

/** `POST /v1/agent/jobs/reconcile`: at start the daemon says which jobs it still runs. */
export class ReconcileJobsMessage {
  @IsUUID()
  agent_id: string;

  @IsArray()
  @ArrayMaxSize(256)
  @ValidateNested({ each: true })
  @Type(() => HeldJob)
  held: HeldJob[];
}

export interface ReconcileJobsView {
  /** Jobs this agent had that it no longer runs: failed or queued again by their retry policy. */
  lost: { job_id: string; attempt: number }[];
}

/** `job.cancelling` on `proctor.reports`. */
export class JobCancellingReport {
  @IsUUID()
  agent_id: string;

  @IsUUID()
  job_id: string;

  @IsInt()
  @Min(1)
  attempt: number;
}

export class JobStoppedReport {
  @IsString()
  @Length(1, 256)
  container: string;

  @IsIn(['SIGTERM', 'SIGKILL'])
  signal: 'SIGTERM' | 'SIGKILL';
}

/** `job.finished` on `proctor.reports`. */
export class JobFinishedReport {
  @IsUUID()
  agent_id: string;

  @IsUUID()
  job_id: string;

  @IsInt()
  @Min(1)
  attempt: number;

  @IsIn(['succeeded', 'failed', 'timed_out', 'canceled', 'lost'])
  outcome: 'succeeded' | 'failed' | 'timed_out' | 'canceled' | 'lost';

  @IsOptional()
  @IsInt()
  exit_code: number | null;

  @IsOptional()
  @IsString()
  @Length(0, 1024)
  reason?: string;

  /** The kernel killed it at its memory limit. */
  @IsOptional()
  @IsBoolean()
  oom_killed?: boolean;

  /** Sequence number of the last log chunk published for this attempt (0: none). */
  @IsInt()
  @Min(0)
  last_seq: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => JobStoppedReport)
  stopped?: JobStoppedReport;
}

/** One chunk of output on `proctor.logs` (routing key `job.<id>`). */
export interface JobLogMessage {
  job_id: string;
  attempt: number;
  /** 1, 2, 3... per attempt, no gaps: a reader can tell a missing chunk. */
  seq: number;
  data: string;
  at: string;
}
