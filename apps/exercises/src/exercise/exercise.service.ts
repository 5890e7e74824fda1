import { Injectable, Logger } from '@nestjs/common';
import {
  AddTestMessage,
  CommonErrorCode,
  CreateExerciseRequest,
  ExerciseCreatedEvent,
  ExerciseDetailView,
  ExerciseErrorCode,
  ExerciseResultsView,
  ExercisesEvent,
  ExerciseView,
  ListExercisesRequest,
  Page,
  ProctorError,
  TestView,
} from '@proctor/contracts';
import { OutboxWriter, pageSize, toPage } from '@proctor/persistence';
import { AgentDirectoryRepository } from '../agent-directory/agent-directory.repository';
import { toTestResultView } from '../result/task-result.mapper';
import { TaskResultRepository } from '../result/task-result.repository';
import { toTaskView } from '../task/task.mapper';
import { TaskRepository } from '../task/task.repository';
import { Exercise } from './exercise.entity';
import { toTestView } from './exercise-test.mapper';
import { ExerciseTestRepository } from './exercise-test.repository';
import { toExerciseView } from './exercise.mapper';
import { ExerciseRepository } from './exercise.repository';

@Injectable()
export class ExerciseService {
  private readonly logger = new Logger(ExerciseService.name);

  constructor(
    private readonly exercises: ExerciseRepository,
    private readonly tests: ExerciseTestRepository,
    private readonly tasks: TaskRepository,
    private readonly taskResults: TaskResultRepository,
    private readonly directory: AgentDirectoryRepository,
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

  /** The exercise with its tests and tasks (their slots, ports and states). */
  async get(id: string): Promise<ExerciseDetailView> {
    const exercise = await this.found(id);
    const [tests, tasks] = await Promise.all([this.tests.listForExercise(id), this.tasks.listForExercise(id)]);
    return { ...toExerciseView(exercise), tests: tests.map(toTestView), tasks: tasks.map(toTaskView) };
  }

  async list(request: ListExercisesRequest): Promise<Page<ExerciseView>> {
    const size = pageSize(request.limit);
    const rows = await this.exercises.listPage({ status: request.status }, request.cursor, size);
    return toPage(rows, size, (e) => ({ at: e.created_at, id: e.id }), toExerciseView);
  }

  /** Adds a test to a draft: two different agents, both known to the directory and not deleted. */
  async addTest(request: AddTestMessage): Promise<TestView> {
    if (request.client_agent_id === request.server_agent_id) {
      throw new ProctorError(CommonErrorCode.ValidationFailed, 'the request is not valid', {
        fields: { server_agent_id: ['server_agent_id must differ from client_agent_id'] },
      });
    }
    const test = await this.exercises.transaction(async (manager) => {
      const exercise = await this.exercises.lock(manager, request.exercise_id);
      if (!exercise) throw new ProctorError(ExerciseErrorCode.NotFound, `no exercise with id ${request.exercise_id}`, { id: request.exercise_id });
      if (exercise.status !== 'draft') {
        throw new ProctorError(ExerciseErrorCode.StateConflict, `tests can be added to a draft only; this exercise is ${exercise.status}`, {
          id: exercise.id,
          status: exercise.status,
        });
      }
      const wanted = [request.client_agent_id, request.server_agent_id];
      const known = await this.directory.knownAgentIds(manager, wanted);
      const unknown = wanted.filter((a) => !known.has(a));
      if (unknown.length > 0) throw new ProctorError(ExerciseErrorCode.UnknownAgent, 'no such agent, or it was deleted', { agent_ids: unknown });
      return this.tests.insert(manager, {
        exercise_id: exercise.id,
        client_agent_id: request.client_agent_id,
        server_agent_id: request.server_agent_id,
        duration_seconds: request.duration_seconds,
        protocol: request.protocol,
        parallel: request.parallel ?? 1,
        bandwidth: request.bandwidth ?? null,
        reverse: request.reverse ?? false,
      });
    });
    this.logger.log({ msg: 'test added', exercise_id: test.exercise_id, test_id: test.id });
    return toTestView(test);
  }

  /** What each test measured, read from its client's iperf3 JSON; unknown (null) where nothing came back. */
  async results(id: string): Promise<ExerciseResultsView> {
    await this.found(id);
    const [tests, tasks, results] = await Promise.all([this.tests.listForExercise(id), this.tasks.listForExercise(id), this.taskResults.listForExercise(id)]);
    const byTask = new Map(results.map((r) => [r.task_id, r]));
    return {
      exercise_id: id,
      results: tests.flatMap((test) => {
        const client = tasks.find((t) => t.test_id === test.id && t.kind === 'iperf3_client');
        return client ? [toTestResultView(test, client.id, byTask.get(client.id))] : [];
      }),
    };
  }

  private async found(id: string): Promise<Exercise> {
    const exercise = await this.exercises.findById(id);
    if (!exercise) throw new ProctorError(ExerciseErrorCode.NotFound, `no exercise with id ${id}`, { id });
    return exercise;
  }
}
