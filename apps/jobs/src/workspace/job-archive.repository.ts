import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { JobArchive } from './job-archive.entity';

@Injectable()
export class JobArchiveRepository {
  constructor(@InjectRepository(JobArchive) private readonly archives: Repository<JobArchive>) {}

  /**
   * In the transaction that inserts the job: a job that exists has its archive. A plain statement:
   * the zip goes to Postgres as one binary parameter, with nothing of TypeORM's insert machinery
   * (metadata, value mapping, returning) around a MiB.
   */
  async insert(manager: EntityManager, archive: JobArchive): Promise<void> {
    await manager.query('INSERT INTO job_archives (job_id, content, size, sha256) VALUES ($1, $2, $3, $4)', [archive.job_id, archive.content, archive.size, archive.sha256]);
  }

  findByJob(jobId: string): Promise<JobArchive | null> {
    return this.archives.findOneBy({ job_id: jobId });
  }
}
