import { Inject, Injectable, Logger } from '@nestjs/common';
import { verifySubmission } from '@proctor/auth';
import { CommonErrorCode, JobQueuedEvent, JobsEvent, JobView, ProctorError } from '@proctor/contracts';
import { OutboxWriter } from '@proctor/persistence';
import { HashedBody } from '../http/raw-body-parser';
import { JOBS_CONFIG, JobsConfig } from '../jobs-config';
import { resolveJobSpec } from '../job/job-spec';
import { toJobView } from '../job/job.mapper';
import { JobRepository } from '../job/job.repository';
import { JobArchiveRepository } from '../workspace/job-archive.repository';
import { inspectArchive } from './archive-inspection';
import { jobSpecFromFile } from './proctor-yml';
import { layerJobSpecs } from './spec-layers';
import { decodeSubmissionFields, jobSpecFromFields } from './submission-fields';

/** A project zip as the gateway forwards it: the raw body and the submission headers. */
export interface Submission {
  /** The zip, hashed as it was received: the digest serves the signature and the archive row. */
  archive: HashedBody;
  /** SUBMISSION_HEADERS.fields: base64url JSON of the form's text fields. */
  fields: string | undefined;
  submittedBy: string | undefined;
  signature: string | undefined;
}

@Injectable()
export class SubmissionService {
  private readonly logger = new Logger(SubmissionService.name);

  constructor(
    private readonly jobs: JobRepository,
    private readonly archives: JobArchiveRepository,
    private readonly outbox: OutboxWriter,
    @Inject(JOBS_CONFIG) private readonly config: JobsConfig,
  ) {}

  /**
   * Queues a job with its workspace. Everything that can refuse it runs first (signature, fields,
   * the archive's safety, proctor.yml); then the job, its archive and `jobs.job.queued` commit in
   * one transaction, so a refused submission stores nothing and a queued job always has its zip.
   */
  async submit(submission: Submission): Promise<JobView> {
    const { bytes: zip, sha256 } = submission.archive;
    const signed = { body: submission.archive, fields: submission.fields ?? '', submittedBy: submission.submittedBy ?? '' };
    if (!verifySubmission(this.config.signingSecret, submission.signature, signed)) {
      throw new ProctorError(CommonErrorCode.Unauthorized, 'the submission is not signed by the gateway, or the signature is too old');
    }
    const formSpec = jobSpecFromFields(decodeSubmissionFields(submission.fields));
    const inspection = await inspectArchive(zip, this.config.archive);
    const fileSpec = inspection.specFile ? jobSpecFromFile(inspection.specFile) : {};
    const spec = resolveJobSpec(layerJobSpecs(fileSpec, formSpec), this.config.defaults);
    const job = await this.jobs.transaction(async (manager) => {
      const queued = await this.jobs.insert(manager, {
        ...spec,
        submitted_by: submission.submittedBy || null,
        archive_size: zip.length,
        archive_sha256: sha256,
      });
      await this.archives.insert(manager, { job_id: queued.id, content: zip, size: zip.length, sha256 });
      const event: JobQueuedEvent = { job_id: queued.id, priority: queued.priority };
      await this.outbox.add(manager, JobsEvent.Queued, event);
      return queued;
    });
    this.logger.log({
      msg: 'job submitted',
      job_id: job.id,
      priority: job.priority,
      archive_bytes: zip.length,
      entries: inspection.entries,
      unpacked_bytes: inspection.uncompressedBytes,
    });
    return toJobView(job);
  }
}
