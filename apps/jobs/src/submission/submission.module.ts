import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { JobErrorCode, ProctorError } from '@proctor/contracts';
import type { FastifyInstance } from 'fastify';
import { addHashedBodyParser } from '../http/raw-body-parser';
import { JOBS_CONFIG, JobsConfig } from '../jobs-config';
import { JobModule } from '../job/job.module';
import { WorkspaceModule } from '../workspace/workspace.module';
import { SubmissionController } from './submission.http-controller';
import { SubmissionService } from './submission.service';

/** Project zips submitted through the gateway: checked, then queued with their job. */
@Module({
  imports: [JobModule, WorkspaceModule],
  controllers: [SubmissionController],
  providers: [SubmissionService],
})
export class SubmissionModule implements OnModuleInit {
  constructor(
    private readonly http: HttpAdapterHost,
    @Inject(JOBS_CONFIG) private readonly config: JobsConfig,
  ) {}

  onModuleInit(): void {
    const max = this.config.archive.maxArchiveBytes;
    addHashedBodyParser(this.http.httpAdapter.getInstance<FastifyInstance>(), 'application/zip', max, () => {
      return new ProctorError(JobErrorCode.ArchiveTooLarge, `the archive is larger than the ${max} bytes allowed`, { limit: 'JOBS_MAX_ARCHIVE_BYTES', max });
    });
  }
}
