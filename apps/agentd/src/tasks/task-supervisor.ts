import { HeldTask, TaskAssignment } from '@proctor/contracts';
import { JsonLogger, MetricsService } from '@proctor/observability';
import { setTimeout as sleep } from 'node:timers/promises';
import { iperf3Argv } from '../iperf3/iperf3-argv';
import { iperf3Outcome, TaskOutcome } from '../iperf3/iperf3-outcome';
import { Iperf3Process } from '../iperf3/iperf3-runner';
import { RecentTasks } from './recent-tasks';
import { msUntilDeadline } from './task-deadline';

/** Where the supervisor sends what happens to a task (ReportPublisher). */
export interface TaskReports {
  started(task: TaskAssignment): void;
  finished(task: TaskAssignment, outcome: TaskOutcome): void;
}

export interface TaskSupervisorOptions {
  reports: TaskReports;
  logger: JsonLogger;
  metrics: MetricsService;
  iperf3Binary: string;
  /** Between SIGTERM and SIGKILL. */
  killGraceMs: number;
  /** Server clock minus local clock, for deadlines. */
  serverClockOffsetMs: () => number;
}

/** `new`: hold it and run it. `duplicate`: already held or done, do nothing. `refused`: draining. */
export type Admission = 'new' | 'duplicate' | 'refused';

/** Stop reasons as the finished report's error says them. */
export const STOP_REASONS = {
  canceled: 'canceled',
  killAll: 'killed: kill_all for its exercise',
  draining: 'agent draining',
  deadline: 'deadline exceeded',
} as const;

interface HeldEntry {
  task: TaskAssignment;
  process?: Iperf3Process;
  /** Why agentd stops it: its finished report says this instead of what iperf3 said. */
  stopReason?: string;
  /** Stopped without a report: the server no longer expects one (dropped, superseded, agent deleted). */
  silent: boolean;
  started: boolean;
  deadlineTimer?: NodeJS.Timeout;
  done: Promise<void>;
  markDone: () => void;
}

const CONTEXT = 'Tasks';

/**
 * The tasks this daemon holds, from acceptance to their finished report: it runs their iperf3,
 * reports started (a server once it listens, a client once it runs) and finished, enforces their
 * deadline, and stops them on cancel, kill_all, drop and drain.
 */
export class TaskSupervisor {
  private readonly held = new Map<string, HeldEntry>();
  private readonly recent = new RecentTasks(1000);
  private draining = false;
  private readonly running: ReturnType<MetricsService['gauge']>;

  constructor(private readonly options: TaskSupervisorOptions) {
    this.running = options.metrics.gauge('proctor_agentd_tasks_held', 'Tasks this daemon holds (accepted, not yet finished)');
    this.running.set(0);
  }

  /** Holds a task, unless it is a repeat (same attempt, or an older one) or the daemon drains. */
  admit(task: TaskAssignment): Admission {
    if (this.draining) return 'refused';
    if (this.recent.has(task.task_id, task.attempt)) return 'duplicate';
    const existing = this.held.get(task.task_id);
    if (existing && existing.task.attempt >= task.attempt) return 'duplicate';
    if (existing) {
      // The server moved on to a newer attempt: the old one's reports would be refused as stale.
      this.options.logger.warn({ msg: 'newer attempt replaces a held task', task_id: task.task_id, attempt: task.attempt, held_attempt: existing.task.attempt }, CONTEXT);
      this.stop(existing, 'superseded by a newer attempt', true);
      this.held.delete(task.task_id);
    }
    let markDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (markDone = resolve));
    this.held.set(task.task_id, { task, silent: false, started: false, done, markDone });
    this.running.set(this.held.size);
    return 'new';
  }

  /** Lets go of an admitted task that will not run after all (its acceptance was not confirmed). */
  withdraw(task: TaskAssignment): void {
    const entry = this.entryOf(task.task_id, task.attempt);
    if (!entry || entry.process) return;
    this.held.delete(task.task_id);
    this.running.set(this.held.size);
    entry.markDone();
  }

  /** Runs an admitted task. */
  start(task: TaskAssignment): void {
    const entry = this.entryOf(task.task_id, task.attempt);
    if (!entry || entry.process) return;
    const { logger, reports } = this.options;
    if (entry.stopReason) return this.finish(entry, { success: false, error: entry.stopReason });

    if (task.kind === 'kill_all') {
      const killed = this.killAll(task.exercise_id);
      reports.started(task);
      entry.started = true;
      logger.log({ msg: 'kill_all task done', task_id: task.task_id, exercise_id: task.exercise_id, killed }, CONTEXT);
      return this.finish(entry, { success: true });
    }

    const plan = iperf3Argv(task);
    if (!plan.ok) return this.finish(entry, { success: false, error: plan.error });
    const left = msUntilDeadline(task.deadline, Date.now(), this.options.serverClockOffsetMs());
    if (left === undefined) return this.finish(entry, { success: false, error: `invalid task: deadline ${JSON.stringify(task.deadline)} is not a date` });
    if (left === 0) return this.finish(entry, { success: false, error: `${STOP_REASONS.deadline}: ${task.deadline} passed before the task could start` });

    const process = new Iperf3Process({
      binary: this.options.iperf3Binary,
      argv: plan.argv,
      ...(plan.role === 'server' ? { listeningPort: plan.port } : {}),
    });
    entry.process = process;
    logger.log({ msg: 'iperf3 started', task_id: task.task_id, attempt: task.attempt, role: plan.role, pid: process.pid ?? null, argv: plan.argv }, CONTEXT);
    entry.deadlineTimer = setTimeout(() => this.stop(entry, `${STOP_REASONS.deadline} (${task.deadline})`), left);
    void process.ready.then(() => {
      if (entry.stopReason || !process.running) return;
      entry.started = true;
      reports.started(task);
    });
    void process.exited.then((exit) => {
      clearTimeout(entry.deadlineTimer);
      this.finish(entry, entry.stopReason ? { success: false, error: entry.stopReason } : iperf3Outcome(plan.role, exit));
    });
  }

  /** Stops a held task at the server's request; false if this daemon does not hold that attempt. */
  cancel(taskId: string, attempt: number): boolean {
    const entry = this.entryOf(taskId, attempt);
    if (!entry) return false;
    this.stop(entry, STOP_REASONS.canceled);
    return true;
  }

  /** Stops every iperf3 this daemon runs for an exercise; returns how many. */
  killAll(exerciseId: string): number {
    const targets = [...this.held.values()].filter((e) => e.task.exercise_id === exerciseId && e.task.kind !== 'kill_all');
    for (const entry of targets) this.stop(entry, STOP_REASONS.killAll);
    return targets.length;
  }

  /** Stops, without reports, the tasks a registration answer dropped. */
  drop(tasks: HeldTask[]): void {
    for (const task of tasks) {
      const entry = this.entryOf(task.task_id, task.attempt);
      if (entry) this.stop(entry, 'dropped by the server', true);
    }
  }

  heldTasks(): HeldTask[] {
    return [...this.held.values()].map((e) => ({ task_id: e.task.task_id, attempt: e.task.attempt }));
  }

  get size(): number {
    return this.held.size;
  }

  /**
   * Takes no more tasks, lets the held ones finish for up to `timeoutMs`, then stops the rest
   * (reported failed: 'agent draining'). Resolves once each has ended.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    const all = () => Promise.all([...this.held.values()].map((e) => e.done));
    const finished = await Promise.race([all().then(() => true), sleep(timeoutMs, false, { ref: false })]);
    if (!finished) {
      this.options.logger.warn({ msg: 'drain timeout reached, stopping the tasks still running', tasks: this.heldTasks() }, CONTEXT);
      for (const entry of this.held.values()) this.stop(entry, STOP_REASONS.draining);
    }
    await all();
  }

  /** Stops everything now, without reports: the daemon is going away for good. */
  async abort(): Promise<void> {
    this.draining = true;
    for (const entry of this.held.values()) this.stop(entry, 'agent stopping', true);
    await Promise.all([...this.held.values()].map((e) => e.done));
  }

  private entryOf(taskId: string, attempt: number): HeldEntry | undefined {
    const entry = this.held.get(taskId);
    return entry && entry.task.attempt === attempt ? entry : undefined;
  }

  private stop(entry: HeldEntry, reason: string, silent = false): void {
    entry.stopReason ??= reason;
    entry.silent ||= silent;
    clearTimeout(entry.deadlineTimer);
    if (entry.process) {
      this.options.logger.log({ msg: 'stopping iperf3', task_id: entry.task.task_id, attempt: entry.task.attempt, reason, pid: entry.process.pid ?? null }, CONTEXT);
      void entry.process.stop(this.options.killGraceMs);
    } else if (entry.silent) {
      // Not started yet and nothing to report: let go of it now. (A reported stop is finished by
      // start(), so that its finished report cannot overtake its acceptance.)
      this.finish(entry, { success: false, error: reason });
    }
  }

  private finish(entry: HeldEntry, outcome: TaskOutcome): void {
    if (this.held.get(entry.task.task_id) === entry) this.held.delete(entry.task.task_id);
    this.running.set(this.held.size);
    this.recent.add(entry.task.task_id, entry.task.attempt);
    this.options.logger.log(
      { msg: 'task finished', task_id: entry.task.task_id, attempt: entry.task.attempt, success: outcome.success, error: outcome.error ?? null, reported: !entry.silent },
      CONTEXT,
    );
    if (!entry.silent) this.options.reports.finished(entry.task, outcome);
    entry.markDone();
  }
}
