import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ExerciseTest } from './exercise-test.entity';

export type NewExerciseTest = Pick<
  ExerciseTest,
  'exercise_id' | 'client_agent_id' | 'server_agent_id' | 'duration_seconds' | 'protocol' | 'parallel' | 'bandwidth' | 'reverse'
>;

@Injectable()
export class ExerciseTestRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, test: NewExerciseTest): Promise<ExerciseTest> {
    const rows: ExerciseTest[] = await manager.query(
      `INSERT INTO tests (exercise_id, client_agent_id, server_agent_id, duration_seconds, protocol, parallel, bandwidth, reverse)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [test.exercise_id, test.client_agent_id, test.server_agent_id, test.duration_seconds, test.protocol, test.parallel, test.bandwidth, test.reverse],
    );
    return manager.create(ExerciseTest, rows[0]);
  }

  /** An exercise's tests in the order they were added (the order the scheduler places them in). */
  listForExercise(exerciseId: string, manager: EntityManager = this.dataSource.manager): Promise<ExerciseTest[]> {
    return manager.find(ExerciseTest, { where: { exercise_id: exerciseId }, order: { created_at: 'ASC', id: 'ASC' } });
  }

  async recordPlan(manager: EntityManager, plan: { id: string; wave: number; planned_start: Date; planned_end: Date }[]): Promise<void> {
    for (const p of plan) {
      await manager.query(`UPDATE tests SET wave = $2, planned_start = $3, planned_end = $4 WHERE id = $1`, [p.id, p.wave, p.planned_start, p.planned_end]);
    }
  }
}
