import { Injectable } from '@nestjs/common';
import { ExerciseErrorCode, ProctorError } from '@proctor/contracts';
import { EntityManager } from 'typeorm';
import { PortReservationRepository } from '../scheduling/port-reservation.repository';
import { TaskSlotRepository } from '../scheduling/task-slot.repository';
import { Task } from './task.entity';
import { TaskRepository } from './task.repository';
import { decideTaskTransition, isTerminal, TaskEvent, TaskSnapshot } from './task-state';

export interface TransitionOutcome {
  task: Task;
  /** False for a duplicate: the report had been applied already and nothing changed. */
  changed: boolean;
  /** Every task that reached a terminal state in this transition (the task, and a client left waiting). */
  ended: Task[];
}

export interface TransitionExtra {
  error?: string | null;
  /** The attempt the agent may hold and must be told to cancel. */
  cancelAttempt?: number | null;
  /** A new attempt (an HTTP claim of a task already sent over the queue). */
  attempt?: number;
  dispatched?: boolean;
}

export function snapshotOf(task: Task): TaskSnapshot {
  return { state: task.state, attempt: task.attempt, accepted: task.accepted_at !== null, started: task.started_at !== null, reason: task.reason };
}

/**
 * The one way a task changes state, inside the caller's transaction and on a row it has locked:
 * the state machine decides, the row records it, and an end gives back the agent's time and port.
 * A server that ends while its client still waits to be sent takes the client with it
 * (server_not_listening): nothing would answer it.
 */
@Injectable()
export class TaskTransitionService {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly slots: TaskSlotRepository,
    private readonly reservations: PortReservationRepository,
  ) {}

  async apply(manager: EntityManager, task: Task, event: TaskEvent, extra: TransitionExtra = {}): Promise<TransitionOutcome> {
    const decision = decideTaskTransition(snapshotOf(task), event);
    switch (decision.outcome) {
      case 'stale':
        throw new ProctorError(ExerciseErrorCode.TaskAttemptStale, decision.message, { task_id: task.id, attempt: task.attempt });
      case 'conflict':
        throw new ProctorError(ExerciseErrorCode.TaskStateConflict, decision.message, { task_id: task.id, state: task.state });
      case 'duplicate':
        return { task, changed: false, ended: [] };
      case 'apply':
        break;
    }
    const updated = await this.tasks.applyChange(manager, task.id, decision.change, extra);
    if (!isTerminal(updated.state)) return { task: updated, changed: true, ended: [] };
    await this.slots.releaseRest(manager, [updated.id]);
    const ended = [updated];
    if (updated.kind === 'iperf3_server') {
      await this.reservations.releaseForTasks(manager, [updated.id]);
      const client = updated.test_id ? await this.tasks.lockWaitingClient(manager, updated.test_id) : null;
      if (client) {
        const error = `its server task ${updated.id} ended ${updated.state} before it listened for this client`;
        ended.push(...(await this.apply(manager, client, { type: 'fail', reason: 'server_not_listening' }, { error })).ended);
      }
    }
    return { task: updated, changed: true, ended };
  }
}
