import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Task } from '../task/task.entity';

/**
 * A port of an agent held for one server task. Unique on (agent, port) among the reservations not
 * yet released, so two servers on one agent can never be given the same port, whatever races.
 */
@Entity({ name: 'port_reservations' })
@Index('port_reservations_active_key', ['agent_id', 'port'], { unique: true, where: '"released_at" IS NULL' })
@Index('port_reservations_reserved_idx', ['reserved_at', 'id'])
@Index('port_reservations_task_idx', ['task_id'])
export class PortReservation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  agent_id: string;

  @Column({ type: 'integer' })
  port: number;

  @Column({ type: 'uuid' })
  task_id: string;

  @ManyToOne(() => Task, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id', foreignKeyConstraintName: 'port_reservations_task_fk' })
  task?: Task;

  @Column({ type: 'uuid' })
  exercise_id: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  reserved_at: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  released_at: Date | null;
}
