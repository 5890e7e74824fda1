import type { Principal } from '@proctor/auth';
import {
  ArtifactLinkRequest,
  ArtifactLinkView,
  CancelJobRequest,
  CreateJobMessage,
  CreateJobRequest,
  JobsRpc,
  JobView,
  ListJobsRequest,
  Page,
} from '@proctor/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServiceCaller } from '../http/service-caller';
import { JobLogStreams } from '../job-logs/job-log-streams';
import { StreamStart } from '../job-logs/log-position';
import { artifactContentDisposition } from './artifact-download';
import { JobsServiceClient } from './jobs-service.client';
import { forwardSubmissionForm } from './multipart-submission';
import { SubmissionFormLimits } from './submission-form';

/** The CI API behind both its paths (the seed's and `/v1/jobs`): HTTP mapped to the jobs service, nothing decided here. */
export class JobsApi {
  constructor(
    private readonly services: ServiceCaller,
    private readonly jobsService: JobsServiceClient,
    private readonly streams: JobLogStreams,
    private readonly formLimits: SubmissionFormLimits,
  ) {}

  /** Reads the multipart form, its zip going on to the jobs service as it comes: the job is queued when this returns. */
  submit(request: FastifyRequest, principal: Principal): Promise<JobView> {
    return forwardSubmissionForm(request, this.formLimits, () => this.jobsService.openSubmission(principal.subject));
  }

  /** Submits, then streams the job from its first chunk; the job goes on if the client leaves. */
  async submitAndStream(request: FastifyRequest, reply: FastifyReply, principal: Principal, announceJobId: boolean): Promise<void> {
    const view = await this.submit(request, principal);
    await this.streams.open(reply, view.job_id, { from: 'beginning' }, { announceJobId, knownView: view });
  }

  stream(reply: FastifyReply, jobId: string, start: StreamStart): Promise<void> {
    return this.streams.open(reply, jobId, start, { announceJobId: false });
  }

  create(body: CreateJobRequest, principal: Principal): Promise<JobView> {
    const message: CreateJobMessage = { ...body, submitted_by: principal.subject };
    return this.services.call<JobView>(JobsRpc.Create, message);
  }

  list(query: ListJobsRequest): Promise<Page<JobView>> {
    return this.services.call<Page<JobView>>(JobsRpc.List, query);
  }

  get(id: string): Promise<JobView> {
    return this.services.call<JobView>(JobsRpc.Get, { id });
  }

  cancel(id: string, principal: Principal): Promise<JobView> {
    const request: CancelJobRequest = { id, requested_by: principal.subject };
    return this.services.call<JobView>(JobsRpc.Cancel, request);
  }

  artifacts(id: string): Promise<unknown> {
    return this.services.call(JobsRpc.Artifacts, { id });
  }

  /** The artifact's bytes, streamed from the jobs service by a signed link it gives for this one download. */
  async downloadArtifact(reply: FastifyReply, id: string, path: string): Promise<void> {
    const request: ArtifactLinkRequest = { id, path };
    const link = await this.services.call<ArtifactLinkView>(JobsRpc.ArtifactLink, request);
    const artifact = await this.jobsService.openArtifact(link);
    void reply.header('content-type', artifact.headers['content-type'] ?? 'application/octet-stream');
    if (artifact.headers['content-length']) void reply.header('content-length', artifact.headers['content-length']);
    void reply.header('content-disposition', artifactContentDisposition(path));
    await reply.status(200).send(artifact);
  }
}
