import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { TaskResult } from './task-result.entity';

export type NewTaskResult = Omit<TaskResult, 'task' | 'created_at'>;

@Injectable()
export class TaskResultRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Once per task: a duplicate report never gets this far (the state machine says duplicate first). */
  async insert(manager: EntityManager, result: NewTaskResult): Promise<void> {
    await manager.save(manager.create(TaskResult, result));
  }

  listForExercise(exerciseId: string): Promise<TaskResult[]> {
    return this.dataSource.manager.find(TaskResult, { where: { exercise_id: exerciseId } });
  }
}
