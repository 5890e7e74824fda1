import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ExerciseErrorCode, TaskReport, TaskResultMessage, TaskStartedMessage } from '@proctor/contracts';
import { AgentReport, AgentReportReading, AmqpConnection, BrokerNames, readAgentReport, ReportQueueConsumer } from '@proctor/messaging';
import { MetricsService } from '@proctor/observability';
import { EXERCISES_CONFIG, ExercisesConfig } from '../exercises-config';
import { TaskReportService } from './task-report.service';

/** The payload class of each task report on `proctor.reports`. */
const TASK_REPORTS = {
  [TaskReport.Accepted]: TaskStartedMessage,
  [TaskReport.Started]: TaskStartedMessage,
  [TaskReport.Finished]: TaskResultMessage,
};

/** Refusals that a redelivery cannot change: the report is dropped (acked) with a warning, not retried. */
const FINAL_REFUSALS: readonly string[] = [ExerciseErrorCode.TaskNotFound, ExerciseErrorCode.TaskStateConflict, ExerciseErrorCode.TaskAttemptStale];

/** Reads and validates a task report as the RPC path's validation pipe would (unknown fields refused). */
export function readReport(routingKey: string, content: Buffer, agentHeader: unknown): AgentReportReading<typeof TASK_REPORTS> {
  return readAgentReport(TASK_REPORTS, 'task', routingKey, content, agentHeader);
}

/**
 * Consumes what daemons report about tasks (`task.accepted`, `task.started`, `task.finished`) from
 * the durable quorum queue `<ns>.exercises.reports`, with the shared report queue consumer: acked
 * after commit, final refusals acked and logged, failures retried then dead-lettered.
 */
@Injectable()
export class TaskReportConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: ReportQueueConsumer<typeof TASK_REPORTS>;

  constructor(connection: AmqpConnection, names: BrokerNames, reports: TaskReportService, @Inject(EXERCISES_CONFIG) config: ExercisesConfig, metrics: MetricsService) {
    this.consumer = new ReportQueueConsumer({
      connection,
      names,
      queue: names.serviceQueue('exercises', 'reports'),
      subject: 'task',
      reports: TASK_REPORTS,
      prefetch: config.reportPrefetch,
      retry: config.reportRetry,
      apply: (reading) => applyTaskReport(reports, reading),
      finalRefusals: FINAL_REFUSALS,
      describe: ({ report }) => ({ task_id: report.task_id, attempt: report.attempt }),
      handled: metrics.counter('proctor_exercises_task_reports_total', 'Task reports consumed from the queue, by report and outcome', ['report', 'outcome']),
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }
}

function applyTaskReport(reports: TaskReportService, reading: AgentReport<typeof TASK_REPORTS>): Promise<unknown> {
  switch (reading.kind) {
    case TaskReport.Accepted:
      return reports.accepted(reading.report);
    case TaskReport.Started:
      return reports.started(reading.report);
    case TaskReport.Finished:
      return reports.finished(reading.report);
  }
}
