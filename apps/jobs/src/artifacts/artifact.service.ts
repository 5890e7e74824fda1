import { Inject, Injectable, Logger } from '@nestjs/common';
import { ArtifactLinkRequest, ArtifactLinkView, CommonErrorCode, JobArtifactView, JobErrorCode, ProctorError } from '@proctor/contracts';
import { createHash } from 'node:crypto';
import { JOBS_CONFIG, JobsConfig } from '../jobs-config';
import { Job } from '../job/job.entity';
import { JobRepository } from '../job/job.repository';
import { attemptParam, requireSignature } from '../workspace/signed-request';
import { artifactDownloadPath, artifactUploadPath, WorkspaceLinks } from '../workspace/workspace-links';
import { toJobArtifactView } from './job-artifact.mapper';
import { JobArtifactRepository } from './job-artifact.repository';

export interface ArtifactUpload {
  jobId: string;
  attempt: string;
  path: unknown;
  expires?: unknown;
  sig?: unknown;
  content: Buffer;
}

export interface ArtifactDownload {
  path: string;
  content: Buffer;
}

/**
 * An artifact comes from the run of the job's current attempt (not from an agent that lost the
 * job, nor before anyone claimed it) and is one of the files its spec names. A run the service
 * has already ended (timed out, say) may still hand in what it produced.
 */
export function checkArtifactUpload(job: Pick<Job, 'id' | 'status' | 'attempt' | 'artifacts'>, attempt: number, path: string): void {
  if (job.attempt !== attempt) {
    throw new ProctorError(JobErrorCode.AttemptStale, `attempt ${attempt} of job ${job.id} is not its current one`, { attempt, current: job.attempt });
  }
  if (job.status === 'queued' || job.status === 'assigned') {
    throw new ProctorError(JobErrorCode.StateConflict, `job ${job.id} is ${job.status}: nothing has run to produce artifacts`, { status: job.status });
  }
  if (!job.artifacts.includes(path)) {
    throw new ProctorError(CommonErrorCode.ValidationFailed, `${path} is not one of the artifacts of job ${job.id}`, {
      fields: { path: [`must be one of the job's artifacts: ${job.artifacts.join(', ') || '(none)'}`] },
    });
  }
}

@Injectable()
export class ArtifactService {
  private readonly logger = new Logger(ArtifactService.name);

  constructor(
    private readonly jobs: JobRepository,
    private readonly artifacts: JobArtifactRepository,
    private readonly links: WorkspaceLinks,
    @Inject(JOBS_CONFIG) private readonly config: JobsConfig,
  ) {}

  /** `PUT` by the agent, on the upload URL of its claim. */
  async upload(upload: ArtifactUpload): Promise<JobArtifactView> {
    const attempt = attemptParam(upload.attempt);
    requireSignature(this.config.signingSecret, artifactUploadPath(upload.jobId, attempt), upload);
    if (typeof upload.path !== 'string' || upload.path.length === 0) {
      throw new ProctorError(CommonErrorCode.ValidationFailed, 'path names the artifact uploaded', { fields: { path: ['must be given once'] } });
    }
    const job = await this.existingJob(upload.jobId);
    checkArtifactUpload(job, attempt, upload.path);
    const sha256 = createHash('sha256').update(upload.content).digest('hex');
    const stored = await this.artifacts.upsert({ job_id: job.id, path: upload.path, attempt, content: upload.content, size: upload.content.length, sha256 });
    this.logger.log({ msg: 'artifact stored', job_id: job.id, attempt, path: upload.path, size: upload.content.length });
    return toJobArtifactView(stored);
  }

  async list(jobId: string): Promise<JobArtifactView[]> {
    await this.existingJob(jobId);
    return (await this.artifacts.listForJob(jobId)).map(toJobArtifactView);
  }

  /** A signed, short-lived download URL: the gateway hands it to a client who may see the job. */
  async link(request: ArtifactLinkRequest): Promise<ArtifactLinkView> {
    await this.existingJob(request.id);
    if (!(await this.artifacts.exists(request.id, request.path))) throw this.notFound(request.id, request.path);
    return this.links.artifactDownloadUrl(request.id, request.path);
  }

  /** `GET` on a download URL made by `link`. */
  async download(request: { jobId: string; path: unknown; expires?: unknown; sig?: unknown }): Promise<ArtifactDownload> {
    const path = typeof request.path === 'string' ? request.path : '';
    requireSignature(this.config.signingSecret, artifactDownloadPath(request.jobId, path), request);
    const artifact = await this.artifacts.find(request.jobId, path);
    if (!artifact) throw this.notFound(request.jobId, path);
    return { path: artifact.path, content: artifact.content };
  }

  private async existingJob(id: string): Promise<Job> {
    const job = await this.jobs.findById(id);
    if (!job) throw new ProctorError(JobErrorCode.NotFound, `no job with id ${id}`, { id });
    return job;
  }

  private notFound(jobId: string, path: string): ProctorError {
    return new ProctorError(JobErrorCode.ArtifactNotFound, `job ${jobId} has no artifact ${path}`, { id: jobId, path });
  }
}
