import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ExerciseEndReason, ExerciseStatus } from '@proctor/contracts';
import { applyKeyset } from '@proctor/persistence';
import { EntityManager, Repository } from 'typeorm';
import { Exercise } from './exercise.entity';

@Injectable()
export class ExerciseRepository {
  constructor(@InjectRepository(Exercise) private readonly exercises: Repository<Exercise>) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.exercises.manager.transaction(work);
  }

  findById(id: string): Promise<Exercise | null> {
    return this.exercises.findOneBy({ id });
  }

  async insert(manager: EntityManager, exercise: Pick<Exercise, 'name' | 'description'>): Promise<Exercise> {
    const rows: Exercise[] = await manager.query(`INSERT INTO exercises (name, description) VALUES ($1, $2) RETURNING *`, [
      exercise.name,
      exercise.description,
    ]);
    return manager.create(Exercise, rows[0]);
  }

  /** The exercise, locked against a concurrent start, stop or end. */
  async lock(manager: EntityManager, id: string): Promise<Exercise | null> {
    const rows: Exercise[] = await manager.query(`SELECT * FROM exercises WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? manager.create(Exercise, rows[0]) : null;
  }

  /** Locks a running exercise unless another transaction holds it (another replica ending it). */
  async lockRunningSkipLocked(manager: EntityManager, id: string): Promise<Exercise | null> {
    const rows: Exercise[] = await manager.query(`SELECT * FROM exercises WHERE id = $1 AND status = 'running' FOR UPDATE SKIP LOCKED`, [id]);
    return rows[0] ? manager.create(Exercise, rows[0]) : null;
  }

  async markRunning(manager: EntityManager, id: string, startedAt: Date): Promise<Exercise> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [Exercise[], number] = await manager.query(
      `UPDATE exercises SET status = 'running', started_at = $2, updated_at = clock_timestamp() WHERE id = $1 RETURNING *`,
      [id, startedAt],
    );
    return manager.create(Exercise, rows[0]);
  }

  async markEnded(manager: EntityManager, id: string, reason: ExerciseEndReason): Promise<Exercise> {
    const [rows]: [Exercise[], number] = await manager.query(
      `UPDATE exercises SET status = 'ended', ended_reason = $2, ended_at = clock_timestamp(), updated_at = clock_timestamp() WHERE id = $1 RETURNING *`,
      [id, reason],
    );
    return manager.create(Exercise, rows[0]);
  }

  /** Running exercises none of whose tests' tasks is still active: those the auto-ender should end. */
  async runningWithNothingActive(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.exercises.query(
      `SELECT e.id FROM exercises e
        WHERE e.status = 'running'
          AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.exercise_id = e.id AND t.kind <> 'kill_all' AND t.state IN ('pending', 'accepted', 'running'))
        ORDER BY e.started_at
        LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  /** One page, newest first, optionally of one status; `size + 1` rows to tell if more follow. */
  listPage(filter: { status?: ExerciseStatus }, cursor: string | undefined, size: number): Promise<Exercise[]> {
    const qb = this.exercises.createQueryBuilder('e');
    if (filter.status) qb.where('e.status = :status', { status: filter.status });
    return applyKeyset(qb, { alias: 'e', timeColumn: 'created_at', idColumn: 'id', cursor, size }).getMany();
  }
}
