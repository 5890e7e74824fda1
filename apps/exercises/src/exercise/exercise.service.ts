import { Injectable, Logger } from '@nestjs/common';
import {
  CreateExerciseRequest,
  ExerciseCreatedEvent,
  ExerciseErrorCode,
  ExercisesEvent,
  ExerciseView,
  ListExercisesRequest,
  Page,
  ProctorError,
} from '@proctor/contracts';
import { OutboxWriter, pageSize, toPage } from '@proctor/persistence';
import { toExerciseView } from './exercise.mapper';
import { ExerciseRepository } from './exercise.repository';

@Injectable()
export class ExerciseService {
  private readonly logger = new Logger(ExerciseService.name);

  constructor(
    private readonly exercises: ExerciseRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Creates an exercise as a draft: its tests and tasks are added before it runs. */
  async create(request: CreateExerciseRequest): Promise<ExerciseView> {
    const exercise = await this.exercises.transaction(async (manager) => {
      const created = await this.exercises.insert(manager, { name: request.name, description: request.description ?? null });
      const event: ExerciseCreatedEvent = { exercise_id: created.id, name: created.name };
      await this.outbox.add(manager, ExercisesEvent.Created, event);
      return created;
    });
    this.logger.log({ msg: 'exercise created', exercise_id: exercise.id, name: exercise.name });
    return toExerciseView(exercise);
  }

  async get(id: string): Promise<ExerciseView> {
    const exercise = await this.exercises.findById(id);
    if (!exercise) throw new ProctorError(ExerciseErrorCode.NotFound, `no exercise with id ${id}`, { id });
    return toExerciseView(exercise);
  }

  async list(request: ListExercisesRequest): Promise<Page<ExerciseView>> {
    const size = pageSize(request.limit);
    const rows = await this.exercises.listPage({ status: request.status }, request.cursor, size);
    return toPage(rows, size, (e) => ({ at: e.created_at, id: e.id }), toExerciseView);
  }
}
