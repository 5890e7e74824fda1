import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { JobArtifact } from './job-artifact.entity';

/** What a listing shows of an artifact: everything but its bytes. */
export type JobArtifactSummary = Omit<JobArtifact, 'content'>;

@Injectable()
export class JobArtifactRepository {
  constructor(@InjectRepository(JobArtifact) private readonly artifacts: Repository<JobArtifact>) {}

  /** One file per job and path: an upload again (a retried PUT, a later attempt) replaces it. */
  async upsert(artifact: Omit<JobArtifact, 'created_at'>): Promise<JobArtifactSummary> {
    const [row] = await this.artifacts
      .createQueryBuilder()
      .insert()
      .into(JobArtifact)
      .values(artifact)
      .orUpdate(['attempt', 'content', 'size', 'sha256', 'created_at'], ['job_id', 'path'])
      .returning(['job_id', 'path', 'attempt', 'size', 'sha256', 'created_at'])
      .updateEntity(false)
      .execute()
      .then((result) => result.raw as JobArtifactSummary[]);
    return row;
  }

  listForJob(jobId: string): Promise<JobArtifactSummary[]> {
    return this.artifacts.find({
      select: { job_id: true, path: true, attempt: true, size: true, sha256: true, created_at: true },
      where: { job_id: jobId },
      order: { path: 'ASC' },
    });
  }

  exists(jobId: string, path: string): Promise<boolean> {
    return this.artifacts.existsBy({ job_id: jobId, path });
  }

  find(jobId: string, path: string): Promise<JobArtifact | null> {
    return this.artifacts.findOneBy({ job_id: jobId, path });
  }
}
