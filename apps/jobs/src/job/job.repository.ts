import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { JobStatus } from '@proctor/contracts';
import { applyKeyset } from '@proctor/persistence';
import { EntityManager, Repository } from 'typeorm';
import { Job } from './job.entity';
import { ResolvedJobSpec } from './job-spec';

@Injectable()
export class JobRepository {
  constructor(@InjectRepository(Job) private readonly jobs: Repository<Job>) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.jobs.manager.transaction(work);
  }

  findById(id: string): Promise<Job | null> {
    return this.jobs.findOneBy({ id });
  }

  async insert(manager: EntityManager, job: ResolvedJobSpec & Pick<Job, 'submitted_by' | 'archive_size' | 'archive_sha256'>): Promise<Job> {
    const inserted = await manager.getRepository(Job).insert(job);
    return manager.getRepository(Job).findOneByOrFail({ id: inserted.identifiers[0].id as string });
  }

  /** One page, newest first, optionally of one status; `size + 1` rows to tell if more follow. */
  listPage(filter: { status?: JobStatus }, cursor: string | undefined, size: number): Promise<Job[]> {
    const qb = this.jobs.createQueryBuilder('j');
    if (filter.status) qb.where('j.status = :status', { status: filter.status });
    return applyKeyset(qb, { alias: 'j', timeColumn: 'created_at', idColumn: 'id', cursor, size }).getMany();
  }
}
