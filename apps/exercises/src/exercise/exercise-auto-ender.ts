import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { TaskKind, TaskState } from '@proctor/contracts';
import { BackgroundLoop } from '@proctor/messaging';
import { EXERCISES_CONFIG, ExercisesConfig } from '../exercises-config';
import { TaskDispatcher } from '../task/task-dispatcher';
import { TaskEndedSignal } from '../task/task-ended.signal';
import { TaskRepository } from '../task/task.repository';
import { isTerminal } from '../task/task-state';
import { ExerciseEndingService } from './exercise-ending.service';
import { ExerciseRepository } from './exercise.repository';

/** A running exercise is over once every task of its tests has ended (its kill_all tasks come after, and do not count). */
export function autoEndDecision(tasks: { kind: TaskKind; state: TaskState }[]): 'end' | 'wait' {
  const testTasks = tasks.filter((t) => t.kind !== 'kill_all');
  return testTasks.length > 0 && testTasks.every((t) => isTerminal(t.state)) ? 'end' : 'wait';
}

const BATCH = 100;

/**
 * Ends exercises whose tasks are all over (completed). Woken in-process when tasks end, and on
 * EXERCISES_SWEEP_INTERVAL_MS as the backstop. Each exercise is locked (SKIP LOCKED) and decided
 * afresh, so two replicas never end one twice.
 */
@Injectable()
export class ExerciseAutoEnder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExerciseAutoEnder.name);
  private readonly loop: BackgroundLoop;
  private readonly signaled = new Set<string>();

  constructor(
    private readonly exercises: ExerciseRepository,
    private readonly tasks: TaskRepository,
    private readonly ending: ExerciseEndingService,
    private readonly dispatcher: TaskDispatcher,
    private readonly ended: TaskEndedSignal,
    @Inject(EXERCISES_CONFIG) config: ExercisesConfig,
  ) {
    this.loop = new BackgroundLoop('ExerciseAutoEnder', () => this.sweep().then(() => undefined), config.sweepIntervalMs);
  }

  onApplicationBootstrap(): void {
    this.ended.subscribe((ids) => {
      for (const id of ids) this.signaled.add(id);
      this.loop.wake();
    });
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Returns how many exercises it ended. */
  async sweep(): Promise<number> {
    const signaled = [...this.signaled];
    this.signaled.clear();
    const candidates = new Set([...signaled, ...(await this.exercises.runningWithNothingActive(BATCH))]);
    let count = 0;
    for (const id of candidates) if (await this.tryEnd(id)) count++;
    // The kill_all tasks of what ended go out now.
    if (count > 0) this.dispatcher.wake();
    return count;
  }

  private tryEnd(id: string): Promise<boolean> {
    return this.exercises.transaction(async (manager) => {
      const exercise = await this.exercises.lockRunningSkipLocked(manager, id);
      if (!exercise) return false;
      if (autoEndDecision(await this.tasks.statesOfExercise(manager, id)) === 'wait') return false;
      await this.ending.endLocked(manager, exercise, 'completed');
      this.logger.log({ msg: 'exercise completed', exercise_id: id });
      return true;
    });
  }
}
