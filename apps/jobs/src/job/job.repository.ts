import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { applyKeyset } from '@proctor/persistence';
import { EntityManager, Repository } from 'typeorm';
import { Job } from './job.entity';
import { JobListFilter } from './job-list-filter';
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

  /** The row as Postgres wrote it, its defaults included, in one statement (no read after the insert). */
  async insert(manager: EntityManager, job: ResolvedJobSpec & Pick<Job, 'submitted_by' | 'archive_size' | 'archive_sha256'>): Promise<Job> {
    const inserted = await manager.createQueryBuilder().insert().into(Job).values(job).returning('*').execute();
    return manager.create(Job, (inserted.raw as Job[])[0]);
  }

  /** One page, newest first, of the jobs matching every filter given; `size + 1` rows to tell if more follow. */
  listPage(filter: JobListFilter, cursor: string | undefined, size: number): Promise<Job[]> {
    const qb = this.jobs.createQueryBuilder('j').where('true');
    if (filter.status !== undefined) qb.andWhere('j.status = :status', { status: filter.status });
    if (filter.submitted_by !== undefined) qb.andWhere('j.submitted_by = :submittedBy', { submittedBy: filter.submitted_by });
    // Containment, which the GIN index on labels (jsonb_path_ops) serves.
    if (filter.label !== undefined) qb.andWhere('j.labels @> CAST(:label AS jsonb)', { label: JSON.stringify(filter.label) });
    if (filter.created_after !== undefined) qb.andWhere('j.created_at >= :createdAfter', { createdAfter: filter.created_after });
    if (filter.created_before !== undefined) qb.andWhere('j.created_at < :createdBefore', { createdBefore: filter.created_before });
    return applyKeyset(qb, { alias: 'j', timeColumn: 'created_at', idColumn: 'id', cursor, size }).getMany();
  }
}
