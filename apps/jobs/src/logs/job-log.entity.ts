import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One chunk of a job's output; (attempt, seq) orders them and makes a redelivery a no-op. */
@Entity({ name: 'job_logs' })
export class JobLog {
  @PrimaryColumn({ type: 'uuid' })
  job_id: string;

  @PrimaryColumn({ type: 'int' })
  attempt: number;

  @PrimaryColumn({ type: 'int' })
  seq: number;

  @Column({ type: 'text' })
  data: string;

  @Column({ type: 'timestamptz', precision: 3 })
  at: Date;
}
