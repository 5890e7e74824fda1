import { Inject, Injectable, Logger } from '@nestjs/common';
import { ExerciseEndedEvent, ExerciseEndReason, ExerciseErrorCode, ExercisesEvent, ExerciseView, ProctorError } from '@proctor/contracts';
import { OutboxWriter } from '@proctor/persistence';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { EXERCISES_CONFIG, ExercisesConfig } from '../exercises-config';
import { PortReservationRepository } from '../scheduling/port-reservation.repository';
import { TaskDispatcher } from '../task/task-dispatcher';
import { Task } from '../task/task.entity';
import { TaskRepository } from '../task/task.repository';
import { TaskTransitionService } from '../task/task-transition.service';
import { Exercise } from './exercise.entity';
import { toExerciseView } from './exercise.mapper';
import { ExerciseRepository } from './exercise.repository';

/**
 * How an exercise ends, by itself (completed) or by an operator (stopped): what is still active is
 * canceled (exercise_stopped), every agent it involved gets a kill_all task (sent by the dispatcher
 * as a `kill_all` command: no iperf3 of this exercise is left behind), its ports are released, and
 * `exercises.exercise.ended` is written to the outbox, all in one transaction.
 */
@Injectable()
export class ExerciseEndingService {
  private readonly logger = new Logger(ExerciseEndingService.name);

  constructor(
    private readonly exercises: ExerciseRepository,
    private readonly tasks: TaskRepository,
    private readonly transitions: TaskTransitionService,
    private readonly reservations: PortReservationRepository,
    private readonly outbox: OutboxWriter,
    private readonly dispatcher: TaskDispatcher,
    @Inject(EXERCISES_CONFIG) private readonly config: ExercisesConfig,
  ) {}

  async stop(id: string): Promise<ExerciseView> {
    const exercise = await this.exercises.transaction(async (manager) => {
      const locked = await this.exercises.lock(manager, id);
      if (!locked) throw new ProctorError(ExerciseErrorCode.NotFound, `no exercise with id ${id}`, { id });
      if (locked.status !== 'running') {
        throw new ProctorError(ExerciseErrorCode.StateConflict, `only a running exercise can be stopped; this one is ${locked.status}`, { id, status: locked.status });
      }
      return this.endLocked(manager, locked, 'stopped');
    });
    this.dispatcher.wake();
    return toExerciseView(exercise);
  }

  /** Ends a running exercise the caller has locked, in the caller's transaction. */
  async endLocked(manager: EntityManager, exercise: Exercise, reason: ExerciseEndReason): Promise<Exercise> {
    if (reason === 'stopped') {
      // Clients first: a server canceled before its waiting client would fail it as server_not_listening.
      const active = await this.tasks.lockActiveForExercise(manager, exercise.id);
      const clientsFirst = [...active].sort((a, b) => Number(a.kind !== 'iperf3_client') - Number(b.kind !== 'iperf3_client'));
      for (const task of clientsFirst) {
        await this.transitions.apply(manager, task, { type: 'cancel', reason: 'exercise_stopped' }, { error: 'the exercise was stopped' });
      }
    }
    const states = await this.tasks.statesOfExercise(manager, exercise.id);
    const agents = [...new Set(states.filter((t) => t.kind !== 'kill_all').map((t) => t.agent_id))].sort();
    const now = await this.tasks.databaseNow(manager);
    const deadline = new Date(now.getTime() + this.config.killAllTtlSeconds * 1000);
    const killAlls = agents.map((agent_id) => ({
      id: randomUUID(),
      exercise_id: exercise.id,
      test_id: null,
      agent_id,
      kind: 'kill_all' as Task['kind'],
      port: null,
      slot_start: now,
      slot_end: deadline,
    }));
    await this.tasks.insertMany(manager, killAlls);
    const released = await this.reservations.releaseForExercise(manager, exercise.id);
    const endedExercise = await this.exercises.markEnded(manager, exercise.id, reason);
    const event: ExerciseEndedEvent = {
      exercise_id: endedExercise.id,
      name: endedExercise.name,
      reason,
      ended_at: (endedExercise.ended_at ?? now).toISOString(),
    };
    await this.outbox.add(manager, ExercisesEvent.Ended, event);
    this.logger.log({ msg: 'exercise ended', exercise_id: exercise.id, reason, kill_all_agents: agents.length, ports_released: released });
    return endedExercise;
  }
}
