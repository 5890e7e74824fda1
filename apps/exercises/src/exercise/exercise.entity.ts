import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ExerciseEndReason, ExerciseStatus } from '@proctor/contracts';

@Entity({ name: 'exercises' })
@Index('exercises_created_idx', ['created_at', 'id'])
@Index('exercises_status_created_idx', ['status', 'created_at', 'id'])
export class Exercise {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text', default: 'draft' })
  status: ExerciseStatus;

  @Column({ type: 'text', nullable: true })
  ended_reason: ExerciseEndReason | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  started_at: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  ended_at: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updated_at: Date;
}
