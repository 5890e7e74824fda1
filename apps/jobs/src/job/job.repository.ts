import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { JobStatus } from '@proctor/contracts';
import { applyKeyset } from '@proctor/persistence';
import { EntityManager, Repository } from 'typeorm';
import { Job } from './job.entity';

@Injectable()
export class JobRepository {
  constructor(@InjectRepository(Job) private readonly jobs: Repository<Job>) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.jobs.manager.transaction(work);
  }

  findById(id: string): Promise<Job | null> {
    return this.jobs.findOneBy({ id });
  }

  async insert(manager: EntityManager, job: Pick<Job, 'image' | 'command' | 'priority' | 'labels' | 'submitted_by'>): Promise<Job> {
    const rows: Job[] = await manager.query(
      `INSERT INTO jobs (image, command, priority, labels, submitted_by) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [job.image, job.command, job.priority, job.labels, job.submitted_by],
    );
    return manager.create(Job, rows[0]);
  }

  /** One page, newest first, optionally of one status; `size + 1` rows to tell if more follow. */
  listPage(filter: { status?: JobStatus }, cursor: string | undefined, size: number): Promise<Job[]> {
    const qb = this.jobs.createQueryBuilder('j');
    if (filter.status) qb.where('j.status = :status', { status: filter.status });
    return applyKeyset(qb, { alias: 'j', timeColumn: 'created_at', idColumn: 'id', cursor, size }).getMany();
  }
}
