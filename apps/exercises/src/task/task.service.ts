import { Injectable, Logger } from '@nestjs/common';
import {
  ClaimTaskMessage,
  ClaimTaskView,
  ExerciseErrorCode,
  ListTasksRequest,
  Page,
  ProctorError,
  ReconcileTasksMessage,
  ReconcileTasksView,
  TaskView,
} from '@proctor/contracts';
import { pageSize, toPage } from '@proctor/persistence';
import { AgentDirectoryRepository } from '../agent-directory/agent-directory.repository';
import { serverAddressOf } from '../agent-directory/server-address';
import { reconcileHeldTasks } from './held-task-reconciliation';
import { toTaskAssignment } from './task-assignment';
import { TaskDispatcher } from './task-dispatcher';
import { TaskEndedSignal } from './task-ended.signal';
import { toTaskView } from './task.mapper';
import { TaskRepository } from './task.repository';
import { TaskTransitionService } from './task-transition.service';

@Injectable()
export class TaskService {
  private readonly logger = new Logger(TaskService.name);

  constructor(
    private readonly tasks: TaskRepository,
    private readonly directory: AgentDirectoryRepository,
    private readonly transitions: TaskTransitionService,
    private readonly dispatcher: TaskDispatcher,
    private readonly ended: TaskEndedSignal,
  ) {}

  async get(id: string): Promise<TaskView> {
    const task = await this.tasks.findById(id);
    if (!task) throw new ProctorError(ExerciseErrorCode.TaskNotFound, `no task with id ${id}`, { id });
    return toTaskView(task);
  }

  async list(request: ListTasksRequest): Promise<Page<TaskView>> {
    const size = pageSize(request.limit);
    const filter = { exercise_id: request.exercise_id, agent_id: request.agent_id, state: request.state, kind: request.kind };
    const rows = await this.tasks.listPage(filter, request.cursor, size);
    return toPage(rows, size, (t) => ({ at: t.created_at, id: t.id }), toTaskView);
  }

  /**
   * Cancels an active task (reason canceled). If its agent may hold it (it was sent or taken), a
   * cancel command for that attempt goes to the agent's queue right after the commit.
   */
  async cancel(id: string): Promise<TaskView> {
    const outcome = await this.tasks.transaction(async (manager) => {
      const locked = await this.tasks.lockWithTest(manager, id);
      if (!locked) throw new ProctorError(ExerciseErrorCode.TaskNotFound, `no task with id ${id}`, { id });
      const { task } = locked;
      const agentMayHoldIt = task.dispatched_at !== null || task.accepted_at !== null;
      return this.transitions.apply(manager, task, { type: 'cancel', reason: 'canceled' }, { cancelAttempt: agentMayHoldIt ? task.attempt : null });
    });
    if (outcome.changed) {
      this.logger.log({ msg: 'task canceled', task_id: id, agent_id: outcome.task.agent_id });
      this.dispatcher.wake();
      this.ended.emit(outcome.ended.map((t) => t.exercise_id));
    }
    return toTaskView(outcome.task);
  }

  /**
   * The HTTP claim: atomically takes the next task due for this agent (FOR UPDATE SKIP LOCKED) and
   * marks it accepted, as a delivery and its `accepted` would. A task already put on the agent's
   * queue gets a new attempt, and the copy on the queue a cancel: whatever the daemon does with it,
   * its reports are stale.
   */
  async claim(request: ClaimTaskMessage): Promise<ClaimTaskView> {
    const assignment = await this.tasks.transaction(async (manager) => {
      const next = await this.tasks.lockNextClaimable(manager, request.agent_id);
      if (!next) return null;
      const { task, test } = next;
      const sentBefore = task.dispatched_at !== null;
      const attempt = sentBefore ? task.attempt + 1 : task.attempt;
      const outcome = await this.transitions.apply(
        manager,
        { ...task, attempt },
        { type: 'accept', attempt },
        { attempt, dispatched: true, cancelAttempt: sentBefore ? task.attempt : null },
      );
      const capabilities = test ? await this.directory.capabilitiesOf(manager, [test.server_agent_id]) : new Map();
      const address = test ? serverAddressOf(capabilities.get(test.server_agent_id)) : null;
      return toTaskAssignment(outcome.task, test, address);
    });
    if (assignment) {
      this.logger.log({ msg: 'task claimed over HTTP', task_id: assignment.task_id, agent_id: request.agent_id, attempt: assignment.attempt });
      // The copy of an earlier attempt on the queue is told to stand down.
      this.dispatcher.wake();
    }
    return { task: assignment };
  }

  /** What a reconnected agent keeps of the tasks it holds, and what it drops. Changes nothing. */
  async reconcile(request: ReconcileTasksMessage): Promise<ReconcileTasksView> {
    const known = await this.tasks.findByIds(request.held_tasks.map((h) => h.task_id));
    const view = reconcileHeldTasks(request.agent_id, request.held_tasks, new Map(known.map((t) => [t.id, t])));
    this.logger.log({ msg: 'held tasks reconciled', agent_id: request.agent_id, keep: view.keep.length, drop: view.drop.length });
    return view;
  }
}
