import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { JobArchive } from './job-archive.entity';

@Injectable()
export class JobArchiveRepository {
  constructor(@InjectRepository(JobArchive) private readonly archives: Repository<JobArchive>) {}

  /** In the transaction that inserts the job: a job that exists has its archive. */
  async insert(manager: EntityManager, archive: JobArchive): Promise<void> {
    await manager.getRepository(JobArchive).insert(archive);
  }

  findByJob(jobId: string): Promise<JobArchive | null> {
    return this.archives.findOneBy({ job_id: jobId });
  }
}
