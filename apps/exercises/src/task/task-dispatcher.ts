import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AgentCommand } from '@proctor/contracts';
import { AgentCommandPublisher, BackgroundLoop, PublishError } from '@proctor/messaging';
import { MetricsService } from '@proctor/observability';
import { EntityManager } from 'typeorm';
import { AgentDirectoryRepository } from '../agent-directory/agent-directory.repository';
import { serverAddressOf } from '../agent-directory/server-address';
import { EXERCISES_CONFIG, ExercisesConfig } from '../exercises-config';
import { toAgentCommand } from './task-assignment';
import { TaskEndedSignal } from './task-ended.signal';
import { TaskTransitionService } from './task-transition.service';
import { DispatchCandidate, TaskRepository } from './task.repository';

export type DispatchDecision = 'send' | 'hold_agent_busy';

/**
 * Whether a due task goes out now. An iperf3 task waits while its agent still runs another test's
 * task (a slot that ran over): two measurements on one agent at once would spoil both. A kill_all
 * never waits: it is what frees the agent.
 */
export function dispatchDecision(candidate: Pick<DispatchCandidate, 'agentBusy'> & { kind: DispatchCandidate['task']['kind'] }): DispatchDecision {
  return candidate.kind !== 'kill_all' && candidate.agentBusy ? 'hold_agent_busy' : 'send';
}

const BATCH = 100;

/**
 * Sends due tasks to their agents' queues. The rows are the truth: a cycle locks the due pending
 * tasks (FOR UPDATE SKIP LOCKED, so replicas share the work and never send a task twice at once),
 * publishes each command with a confirm, then records `dispatched_at`. A command that is not
 * accepted within EXERCISES_REDISPATCH_SECONDS goes again (same attempt: the daemon keys on task
 * and attempt); one that no queue takes leaves its task pending for a later cycle. A kill_all is
 * done once the broker holds it (the daemon reports nothing for it). Cancel commands for tasks an
 * agent may hold go out the same way.
 *
 * Woken in-process right after a commit that makes work due (a start, a server's `started`, an
 * end), at the next slot start, and by a poll as the backstop.
 */
@Injectable()
export class TaskDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TaskDispatcher.name);
  private readonly loop: BackgroundLoop;
  private readonly commands;

  constructor(
    private readonly tasks: TaskRepository,
    private readonly directory: AgentDirectoryRepository,
    private readonly publisher: AgentCommandPublisher<AgentCommand>,
    private readonly transitions: TaskTransitionService,
    private readonly ended: TaskEndedSignal,
    @Inject(EXERCISES_CONFIG) private readonly config: ExercisesConfig,
    metrics: MetricsService,
  ) {
    this.loop = new BackgroundLoop('TaskDispatcher', () => this.cycle(), config.dispatchPollMs);
    this.commands = metrics.counter('proctor_exercises_agent_commands_total', 'Commands put on agent queues, by command and outcome', ['command', 'outcome']);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.publisher.start();
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Dispatches now (after a commit that made work due); returns at once. */
  wake(): void {
    this.loop.wake();
  }

  private async cycle(): Promise<void> {
    // Another batch only while the last one was full and moved something: held tasks come last and stay due.
    for (let batch = await this.sendDueTasks(); batch.due === BATCH && batch.sent > 0; batch = await this.sendDueTasks());
    for (let batch = await this.sendCancels(); batch.due === BATCH && batch.sent > 0; batch = await this.sendCancels());
    const next = await this.tasks.nextSlotStart();
    if (next) this.loop.runAt(next.getTime());
  }

  /** One batch; says how many tasks were due in it and how many went out. */
  private async sendDueTasks(): Promise<{ due: number; sent: number }> {
    const endedExercises: string[] = [];
    const outcome = await this.tasks.transaction(async (manager) => {
      const due = await this.tasks.lockDispatchable(manager, { redispatchSeconds: this.config.redispatchSeconds, limit: BATCH });
      if (due.length === 0) return { due: 0, sent: 0 };
      const serverAgents = due.filter((c) => c.task.kind === 'iperf3_client' && c.test).map((c) => c.test?.server_agent_id ?? '');
      const capabilities = await this.directory.capabilitiesOf(manager, [...new Set(serverAgents)]);
      const sent: DispatchCandidate[] = [];
      const busy: string[] = [];
      const unroutable: string[] = [];
      await Promise.all(
        due.map(async (candidate) => {
          const { task, test } = candidate;
          if (dispatchDecision({ kind: task.kind, agentBusy: candidate.agentBusy }) === 'hold_agent_busy') {
            busy.push(task.id);
            return;
          }
          const address = test ? serverAddressOf(capabilities.get(test.server_agent_id)) : null;
          const command = toAgentCommand(task, test, address);
          try {
            await this.publisher.send(task.agent_id, command);
            this.commands.inc({ command: command.command, outcome: 'sent' });
            sent.push(candidate);
          } catch (e) {
            const reason = e instanceof PublishError ? e.reason : 'error';
            this.commands.inc({ command: command.command, outcome: reason });
            if (reason === 'unroutable') unroutable.push(task.id);
            else this.logger.warn({ msg: 'could not send a task, will retry', task_id: task.id, agent_id: task.agent_id, error: (e as Error).message });
          }
        }),
      );
      await this.tasks.markDispatched(manager, sent.map((c) => c.task.id));
      await this.tasks.markHeld(manager, busy, 'agent_busy');
      await this.tasks.markHeld(manager, unroutable, 'unroutable');
      endedExercises.push(...(await this.completeKillAlls(manager, sent)));
      if (unroutable.length > 0) this.logger.debug({ msg: 'no queue for these agents yet, tasks stay pending', task_ids: unroutable });
      return { due: due.length, sent: sent.length };
    });
    this.ended.emit(endedExercises);
    return outcome;
  }

  /** A kill_all over the queue is done once the broker holds it: the daemon answers it with nothing. */
  private async completeKillAlls(manager: EntityManager, sent: DispatchCandidate[]): Promise<string[]> {
    const exercises: string[] = [];
    for (const { task } of sent.filter((c) => c.task.kind === 'kill_all')) {
      await this.transitions.apply(manager, task, { type: 'finish', attempt: task.attempt, success: true });
      exercises.push(task.exercise_id);
    }
    return exercises;
  }

  private async sendCancels(): Promise<{ due: number; sent: number }> {
    return this.tasks.transaction(async (manager) => {
      const cancels = await this.tasks.lockCancelCommands(manager, BATCH);
      const done: string[] = [];
      await Promise.all(
        cancels.map(async (c) => {
          try {
            await this.publisher.send(c.agent_id, { command: 'cancel', task_id: c.id, attempt: c.cancel_attempt });
            this.commands.inc({ command: 'cancel', outcome: 'sent' });
            done.push(c.id);
          } catch (e) {
            const reason = e instanceof PublishError ? e.reason : 'error';
            this.commands.inc({ command: 'cancel', outcome: reason });
            // No queue: the agent never registered, so it cannot hold the task either.
            if (reason === 'unroutable') done.push(c.id);
          }
        }),
      );
      await this.tasks.clearCancelCommands(manager, done);
      return { due: cancels.length, sent: done.length };
    });
  }
}
