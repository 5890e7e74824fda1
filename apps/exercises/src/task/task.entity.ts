import type { TaskKind, TaskReason, TaskState } from '@proctor/contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ExerciseTest } from '../exercise/exercise-test.entity';
import { Exercise } from '../exercise/exercise.entity';

/** Why the dispatcher could not send a task whose slot has begun: the sweeper names the failure after it. */
export type DispatchHold = 'agent_busy' | 'unroutable';

/**
 * One unit of work for one agent: an iperf3 server or client of a test, or a kill_all at the end
 * of an exercise. The row is the truth; commands on the agent's queue only deliver it.
 */
@Entity({ name: 'tasks' })
@Index('tasks_exercise_idx', ['exercise_id', 'created_at', 'id'])
@Index('tasks_created_idx', ['created_at', 'id'])
@Index('tasks_test_idx', ['test_id'])
@Index('tasks_agent_active_idx', ['agent_id', 'state'], { where: `"state" IN ('pending', 'accepted', 'running')` })
@Index('tasks_pending_slot_idx', ['slot_start'], { where: `"state" = 'pending'` })
@Index('tasks_cancel_pending_idx', ['id'], { where: `"cancel_attempt" IS NOT NULL` })
export class Task {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  exercise_id: string;

  @ManyToOne(() => Exercise, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'exercise_id', foreignKeyConstraintName: 'tasks_exercise_fk' })
  exercise?: Exercise;

  /** Null for a kill_all, which belongs to the exercise rather than to one test. */
  @Column({ type: 'uuid', nullable: true })
  test_id: string | null;

  @ManyToOne(() => ExerciseTest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'test_id', foreignKeyConstraintName: 'tasks_test_fk' })
  test?: ExerciseTest;

  @Column({ type: 'uuid' })
  agent_id: string;

  @Column({ type: 'text' })
  kind: TaskKind;

  @Column({ type: 'text', default: 'pending' })
  state: TaskState;

  /** Reports must name it: one from an earlier hand-out is stale. */
  @Column({ type: 'integer', default: 1 })
  attempt: number;

  /** The server's reserved port; a client carries its server's. */
  @Column({ type: 'integer', nullable: true })
  port: number | null;

  @Column({ type: 'text', nullable: true })
  reason: TaskReason | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  slot_start: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  slot_end: Date | null;

  /** When the last `run` command was confirmed by the broker; it is sent again if not accepted in time. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  dispatched_at: Date | null;

  @Column({ type: 'integer', default: 0 })
  dispatch_count: number;

  @Column({ type: 'text', nullable: true })
  held_reason: DispatchHold | null;

  /** An attempt the agent may hold and must be told to cancel; cleared once the command is confirmed. */
  @Column({ type: 'integer', nullable: true })
  cancel_attempt: number | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updated_at: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  accepted_at: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  started_at: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  finished_at: Date | null;
}
