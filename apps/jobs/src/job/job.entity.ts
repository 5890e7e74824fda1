import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { JobStatus } from '@proctor/contracts';

@Entity({ name: 'jobs' })
@Index('jobs_created_idx', ['created_at', 'id'])
@Index('jobs_status_created_idx', ['status', 'created_at', 'id'])
export class Job {
  /** Shown as `job_id`, the name CI clients know it by. */
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', default: 'queued' })
  status: JobStatus;

  /** Null until the job has finished. */
  @Column({ type: 'boolean', nullable: true })
  success: boolean | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  start_time: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  end_time: Date | null;

  /** Null means the installation's default image, chosen when the job is dispatched. */
  @Column({ type: 'text', nullable: true })
  image: string | null;

  @Column({ type: 'text', array: true, nullable: true })
  command: string[] | null;

  @Column({ type: 'int', default: 0 })
  priority: number;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  labels: Record<string, string>;

  @Column({ type: 'text', nullable: true })
  submitted_by: string | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;
}
