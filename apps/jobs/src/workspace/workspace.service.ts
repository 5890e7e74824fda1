import { Inject, Injectable } from '@nestjs/common';
import { CommonErrorCode, JobErrorCode, JobStatus, ProctorError } from '@proctor/contracts';
import { JOBS_CONFIG, JobsConfig } from '../jobs-config';
import { Job } from '../job/job.entity';
import { JobRepository } from '../job/job.repository';
import { JobArchiveRepository } from './job-archive.repository';
import { attemptParam, requireSignature } from './signed-request';
import { workspacePath } from './workspace-links';

/** Offered or claimed: the only states in which an agent has a reason to fetch the workspace. */
const DOWNLOADABLE: readonly JobStatus[] = ['assigned', 'running'];

/** Only the agent of the job's current attempt, while it holds the job, gets the workspace. */
export function checkWorkspaceDownload(job: Pick<Job, 'id' | 'status' | 'attempt'>, attempt: number): void {
  if (job.attempt !== attempt) {
    throw new ProctorError(JobErrorCode.AttemptStale, `attempt ${attempt} of job ${job.id} is not its current one`, { attempt, current: job.attempt });
  }
  if (!DOWNLOADABLE.includes(job.status)) {
    throw new ProctorError(JobErrorCode.StateConflict, `job ${job.id} is ${job.status}: its workspace is not handed out`, { status: job.status });
  }
}

@Injectable()
export class WorkspaceService {
  constructor(
    private readonly jobs: JobRepository,
    private readonly archives: JobArchiveRepository,
    @Inject(JOBS_CONFIG) private readonly config: JobsConfig,
  ) {}

  /** The zip behind a signed workspace URL. */
  async download(request: { jobId: string; attempt: string; expires?: unknown; sig?: unknown }): Promise<Buffer> {
    const attempt = attemptParam(request.attempt);
    requireSignature(this.config.signingSecret, workspacePath(request.jobId, attempt), request);
    const job = await this.jobs.findById(request.jobId);
    if (!job) throw new ProctorError(JobErrorCode.NotFound, `no job with id ${request.jobId}`, { id: request.jobId });
    checkWorkspaceDownload(job, attempt);
    const archive = await this.archives.findByJob(job.id);
    if (!archive) throw new ProctorError(CommonErrorCode.NotFound, `job ${job.id} was submitted without an archive`, { id: job.id });
    return archive.content;
  }
}
