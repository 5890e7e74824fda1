import { Injectable, Logger } from '@nestjs/common';
import { ExerciseErrorCode, ProctorError, TaskResultMessage, TaskStartedMessage, TaskView } from '@proctor/contracts';
import { EntityManager } from 'typeorm';
import { parseIperf3Result } from '../result/iperf3-result-parser';
import { NewTaskResult, TaskResultRepository } from '../result/task-result.repository';
import { TaskDispatcher } from './task-dispatcher';
import { TaskEndedSignal } from './task-ended.signal';
import { Task } from './task.entity';
import { toTaskView } from './task.mapper';
import { TestParameters, TaskRepository } from './task.repository';
import { TaskEvent } from './task-state';
import { TaskTransitionService } from './task-transition.service';

/** A finished report made ready for the state machine: how it ended, why, and what to store. */
interface ReadFinish {
  success: boolean;
  error: string | null;
  result: NewTaskResult | null;
}

/**
 * What a daemon reports about a task (over `proctor.reports` or the HTTP protocol): accepted,
 * started, finished. Idempotent by construction: the state machine applies each report once,
 * answers a repeat as a duplicate, and refuses a report of another attempt (task_attempt_stale) or
 * one that contradicts the task's state (task_state_conflict), changing nothing.
 */
@Injectable()
export class TaskReportService {
  private readonly logger = new Logger(TaskReportService.name);

  constructor(
    private readonly tasks: TaskRepository,
    private readonly results: TaskResultRepository,
    private readonly transitions: TaskTransitionService,
    private readonly dispatcher: TaskDispatcher,
    private readonly ended: TaskEndedSignal,
  ) {}

  accepted(report: TaskStartedMessage): Promise<TaskView> {
    return this.apply(report, () => ({ event: { type: 'accept', attempt: report.attempt } }));
  }

  /** For a server this means iperf3 listens: its client goes out right after the commit. */
  started(report: TaskStartedMessage): Promise<TaskView> {
    return this.apply(report, () => ({ event: { type: 'start', attempt: report.attempt } }));
  }

  finished(report: TaskResultMessage): Promise<TaskView> {
    return this.apply(report, (task, test) => {
      const read = readFinish(task, test, report);
      return { event: { type: 'finish', attempt: report.attempt, success: read.success }, error: read.error, result: read.result };
    });
  }

  private async apply(
    report: TaskStartedMessage,
    toEvent: (task: Task, test: TestParameters | null) => { event: TaskEvent; error?: string | null; result?: NewTaskResult | null },
  ): Promise<TaskView> {
    const outcome = await this.tasks.transaction(async (manager: EntityManager) => {
      const locked = await this.tasks.lockWithTest(manager, report.task_id);
      // Another agent's task is as good as none: an agent sees only its own.
      if (!locked || locked.task.agent_id !== report.agent_id) {
        throw new ProctorError(ExerciseErrorCode.TaskNotFound, `no task ${report.task_id} for agent ${report.agent_id}`, { task_id: report.task_id });
      }
      const { event, error, result } = toEvent(locked.task, locked.test);
      const applied = await this.transitions.apply(manager, locked.task, event, { error });
      if (applied.changed && result) await this.results.insert(manager, result);
      return applied;
    });
    if (outcome.changed) {
      this.logger.log({ msg: 'task report applied', task_id: outcome.task.id, kind: outcome.task.kind, state: outcome.task.state, attempt: outcome.task.attempt });
      if (outcome.task.kind === 'iperf3_server' && outcome.task.state === 'running') this.dispatcher.wake();
      this.ended.emit(outcome.ended.map((t) => t.exercise_id));
    }
    return toTaskView(outcome.task);
  }
}

/**
 * A client's success stands only on output that iperf3 produced and that reads as a measurement;
 * otherwise it ends failed with the reason in `error`. The output is stored as it came either way.
 */
export function readFinish(task: Task, test: TestParameters | null, report: TaskResultMessage): ReadFinish {
  const reported = report.error ?? null;
  const output = report.output ?? null;
  if (task.kind !== 'iperf3_client') {
    const result = output ? emptyResult(task, output, null) : null;
    return { success: report.success, error: reported, result };
  }
  if (!output) return { success: false, error: reported ?? (report.success ? 'the client reported success without iperf3 output' : null), result: null };
  const parse = parseIperf3Result(output, test?.protocol ?? 'tcp');
  if (!parse.ok) return { success: false, error: reported ?? parse.error, result: emptyResult(task, output, parse.error) };
  const m = parse.measurement;
  return {
    success: report.success,
    error: reported,
    result: {
      task_id: task.id,
      exercise_id: task.exercise_id,
      test_id: task.test_id,
      raw: output,
      protocol: m.protocol,
      sent_bps: m.sent_bps,
      received_bps: m.received_bps,
      retransmits: m.retransmits,
      jitter_ms: m.jitter_ms,
      lost_percent: m.lost_percent,
      intervals: m.intervals,
      parse_error: null,
    },
  };
}

function emptyResult(task: Task, raw: Record<string, unknown>, parseError: string | null): NewTaskResult {
  return {
    task_id: task.id,
    exercise_id: task.exercise_id,
    test_id: task.test_id,
    raw,
    protocol: null,
    sent_bps: null,
    received_bps: null,
    retransmits: null,
    jitter_ms: null,
    lost_percent: null,
    intervals: [],
    parse_error: parseError,
  };
}
