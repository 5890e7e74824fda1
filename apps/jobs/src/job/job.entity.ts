import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { JobNetwork, JobStatus, JobStopped } from '@proctor/contracts';

@Entity({ name: 'jobs' })
@Index('jobs_created_idx', ['created_at', 'id'])
@Index('jobs_status_created_idx', ['status', 'created_at', 'id'])
@Index('jobs_submitter_created_idx', ['submitted_by', 'created_at', 'id'])
// Partial and GIN indexes TypeORM cannot describe; the migration owns them.
@Index('jobs_queue_idx', { synchronize: false })
@Index('jobs_agent_active_idx', { synchronize: false })
@Index('jobs_labels_idx', { synchronize: false })
export class Job {
  /** Shown as `job_id`, the name CI clients know it by. */
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', default: 'queued' })
  status: JobStatus;

  /** Null until the job has finished. */
  @Column({ type: 'boolean', nullable: true })
  success: boolean | null;

  /** When an agent claimed it. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  start_time: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  end_time: Date | null;

  /** Installation defaults are resolved at submission, so the row says what will run. */
  @Column({ type: 'text' })
  image: string;

  @Column({ type: 'text', array: true })
  command: string[];

  @Column({ type: 'jsonb', default: () => "'{}'" })
  env: Record<string, string>;

  @Column({ type: 'int' })
  timeout_seconds: number;

  @Column({ type: 'real' })
  cpus: number;

  @Column({ type: 'int' })
  memory_mb: number;

  @Column({ type: 'int' })
  pids: number;

  @Column({ type: 'text', default: 'none' })
  network: JobNetwork;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  artifacts: string[];

  @Column({ type: 'int', default: 0 })
  priority: number;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  labels: Record<string, string>;

  @Column({ type: 'int', default: 0 })
  retries: number;

  @Column({ type: 'text', nullable: true })
  webhook_url: string | null;

  @Column({ type: 'text', nullable: true })
  submitted_by: string | null;

  /** The agent it is offered to or runs on; null while queued. */
  @Column({ type: 'uuid', nullable: true })
  agent_id: string | null;

  /** 0 while never offered; each offer to an agent is a new attempt, so a stale report is refused. */
  @Column({ type: 'int', default: 0 })
  attempt: number;

  /** When the current attempt was offered; an offer not claimed in time goes back to the queue. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  assigned_at: Date | null;

  @Column({ type: 'int', nullable: true })
  exit_code: number | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  cancel_requested_at: Date | null;

  /** The agent said it is stopping the container. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  cancel_acknowledged_at: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  stopped: JobStopped | null;

  /** The last log chunk of the finished run, as its agent reported it. */
  @Column({ type: 'int', nullable: true })
  last_seq: number | null;

  @Column({ type: 'int', nullable: true })
  archive_size: number | null;

  @Column({ type: 'text', nullable: true })
  archive_sha256: string | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updated_at: Date;
}
