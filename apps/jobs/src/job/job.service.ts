import { Inject, Injectable, Logger } from '@nestjs/common';
import { CreateJobMessage, JobErrorCode, JobQueuedEvent, JobsEvent, JobView, ListJobsRequest, Page, ProctorError } from '@proctor/contracts';
import { OutboxWriter, pageSize, toPage } from '@proctor/persistence';
import { JOBS_CONFIG, JobsConfig } from '../jobs-config';
import { jobListFilter } from './job-list-filter';
import { resolveJobSpec } from './job-spec';
import { toJobView } from './job.mapper';
import { JobRepository } from './job.repository';

@Injectable()
export class JobService {
  private readonly logger = new Logger(JobService.name);

  constructor(
    private readonly jobs: JobRepository,
    private readonly outbox: OutboxWriter,
    @Inject(JOBS_CONFIG) private readonly config: JobsConfig,
  ) {}

  /** Queues a job: it exists once its row commits, and `jobs.job.queued` announces it. */
  async create(request: CreateJobMessage): Promise<JobView> {
    const job = await this.jobs.transaction(async (manager) => {
      const queued = await this.jobs.insert(manager, {
        ...resolveJobSpec(request, this.config.defaults),
        submitted_by: request.submitted_by ?? null,
        archive_size: null,
        archive_sha256: null,
      });
      const event: JobQueuedEvent = { job_id: queued.id, priority: queued.priority };
      await this.outbox.add(manager, JobsEvent.Queued, event);
      return queued;
    });
    this.logger.log({ msg: 'job queued', job_id: job.id, priority: job.priority });
    return toJobView(job);
  }

  async get(id: string): Promise<JobView> {
    const job = await this.jobs.findById(id);
    if (!job) throw new ProctorError(JobErrorCode.NotFound, `no job with id ${id}`, { id });
    return toJobView(job);
  }

  async list(request: ListJobsRequest): Promise<Page<JobView>> {
    const size = pageSize(request.limit);
    const rows = await this.jobs.listPage(jobListFilter(request), request.cursor, size);
    return toPage(rows, size, (j) => ({ at: j.created_at, id: j.id }), toJobView);
  }
}
