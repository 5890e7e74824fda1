import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobModule } from '../job/job.module';
import { JobArchive } from './job-archive.entity';
import { JobArchiveRepository } from './job-archive.repository';
import { WorkspaceController } from './workspace.http-controller';
import { WorkspaceLinks } from './workspace-links';
import { WorkspaceService } from './workspace.service';

/** Project zips: stored with their job, served to the agent running it by a signed URL. */
@Module({
  imports: [TypeOrmModule.forFeature([JobArchive]), JobModule],
  controllers: [WorkspaceController],
  providers: [WorkspaceLinks, JobArchiveRepository, WorkspaceService],
  exports: [WorkspaceLinks, JobArchiveRepository],
})
export class WorkspaceModule {}
