import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ExerciseStatus } from '@proctor/contracts';
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

  /** One page, newest first, optionally of one status; `size + 1` rows to tell if more follow. */
  listPage(filter: { status?: ExerciseStatus }, cursor: string | undefined, size: number): Promise<Exercise[]> {
    const qb = this.exercises.createQueryBuilder('e');
    if (filter.status) qb.where('e.status = :status', { status: filter.status });
    return applyKeyset(qb, { alias: 'e', timeColumn: 'created_at', idColumn: 'id', cursor, size }).getMany();
  }
}
