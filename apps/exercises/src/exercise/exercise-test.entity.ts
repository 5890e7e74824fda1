import type { TestProtocol } from '@proctor/contracts';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Exercise } from './exercise.entity';

/** One iperf3 measurement of an exercise: which agent serves, which connects, for how long, how. */
@Entity({ name: 'tests' })
@Index('tests_exercise_idx', ['exercise_id', 'created_at', 'id'])
@Check('tests_distinct_agents', '"client_agent_id" <> "server_agent_id"')
export class ExerciseTest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  exercise_id: string;

  @ManyToOne(() => Exercise, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'exercise_id', foreignKeyConstraintName: 'tests_exercise_fk' })
  exercise?: Exercise;

  @Column({ type: 'uuid' })
  client_agent_id: string;

  @Column({ type: 'uuid' })
  server_agent_id: string;

  @Column({ type: 'integer' })
  duration_seconds: number;

  @Column({ type: 'text' })
  protocol: TestProtocol;

  @Column({ type: 'integer', default: 1 })
  parallel: number;

  @Column({ type: 'text', nullable: true })
  bandwidth: string | null;

  @Column({ type: 'boolean', default: false })
  reverse: boolean;

  /** Set at start: tests that share an agent never run at the same time. */
  @Column({ type: 'integer', nullable: true })
  wave: number | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  planned_start: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  planned_end: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;
}
