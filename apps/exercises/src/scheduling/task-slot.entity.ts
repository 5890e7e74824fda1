import { Column, Entity, Exclusion, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { Task } from '../task/task.entity';

/**
 * The time a task holds its agent. Postgres refuses two overlapping slots on one agent (GiST
 * exclusion over `btree_gist`), so concurrent starts cannot double-book an agent whatever races;
 * the loser of a race retries with a later start.
 */
@Entity({ name: 'task_slots' })
@Exclusion('task_slots_no_overlap', 'USING gist ("agent_id" WITH =, "slot" WITH &&)')
export class TaskSlot {
  @PrimaryColumn({ type: 'uuid' })
  task_id: string;

  @OneToOne(() => Task, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id', foreignKeyConstraintName: 'task_slots_task_fk' })
  task?: Task;

  @Column({ type: 'uuid' })
  agent_id: string;

  /** `[start, end)`; a task that ends early gives back the rest (the range is cut at its end). */
  @Column({ type: 'tstzrange' })
  slot: string;
}
