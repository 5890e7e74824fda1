import type { IntervalPoint, TestProtocol } from '@proctor/contracts';
import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { Task } from '../task/task.entity';

/** What a finished task reported: iperf3's JSON as it came, and the figures read from it. */
@Entity({ name: 'task_results' })
@Index('task_results_exercise_idx', ['exercise_id'])
export class TaskResult {
  @PrimaryColumn({ type: 'uuid' })
  task_id: string;

  @OneToOne(() => Task, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id', foreignKeyConstraintName: 'task_results_task_fk' })
  task?: Task;

  @Column({ type: 'uuid' })
  exercise_id: string;

  @Column({ type: 'uuid', nullable: true })
  test_id: string | null;

  /** The daemon's output untouched, so that a better parser can read it again later. */
  @Column({ type: 'jsonb', nullable: true })
  raw: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  protocol: TestProtocol | null;

  @Column({ type: 'double precision', nullable: true })
  sent_bps: number | null;

  @Column({ type: 'double precision', nullable: true })
  received_bps: number | null;

  @Column({ type: 'integer', nullable: true })
  retransmits: number | null;

  @Column({ type: 'double precision', nullable: true })
  jitter_ms: number | null;

  @Column({ type: 'double precision', nullable: true })
  lost_percent: number | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  intervals: IntervalPoint[];

  /** Why the output could not be read (iperf3's own error, or not iperf3 JSON at all). */
  @Column({ type: 'text', nullable: true })
  parse_error: string | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;
}
