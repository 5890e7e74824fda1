import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import type { FastifyInstance } from 'fastify';
import { addRawBodyParser } from '../http/raw-body-parser';
import { JOBS_CONFIG, JobsConfig } from '../jobs-config';
import { JobModule } from '../job/job.module';
import { WorkspaceModule } from '../workspace/workspace.module';
import { ArtifactController } from './artifact.http-controller';
import { ArtifactMessageController } from './artifact.message-controller';
import { ArtifactService } from './artifact.service';
import { JobArtifact } from './job-artifact.entity';
import { JobArtifactRepository } from './job-artifact.repository';

/** Files a job's spec names, uploaded by its agent after the run, listed and downloaded by clients. */
@Module({
  imports: [TypeOrmModule.forFeature([JobArtifact]), JobModule, WorkspaceModule],
  controllers: [ArtifactController, ArtifactMessageController],
  providers: [JobArtifactRepository, ArtifactService],
})
export class ArtifactsModule implements OnModuleInit {
  constructor(
    private readonly http: HttpAdapterHost,
    @Inject(JOBS_CONFIG) private readonly config: JobsConfig,
  ) {}

  onModuleInit(): void {
    const max = this.config.maxArtifactBytes;
    addRawBodyParser(this.http.httpAdapter.getInstance<FastifyInstance>(), 'application/octet-stream', max, () => {
      return new ProctorError(CommonErrorCode.PayloadTooLarge, `the artifact is larger than the ${max} bytes allowed`, { limit: 'JOBS_MAX_ARTIFACT_BYTES', max });
    });
  }
}
