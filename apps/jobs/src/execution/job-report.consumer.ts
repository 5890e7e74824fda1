import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { JobCancellingReport, JobErrorCode, JobFinishedReport, JobReport } from '@proctor/contracts';
import { AgentReport, AmqpConnection, BrokerNames, ReportQueueConsumer } from '@proctor/messaging';
import { MetricsService } from '@proctor/observability';
import { JOBS_CONFIG, JobsConfig } from '../jobs-config';
import { JobReportService } from './job-report.service';

/** The payload class of each job report on `proctor.reports`. */
const JOB_REPORTS = {
  [JobReport.Cancelling]: JobCancellingReport,
  [JobReport.Finished]: JobFinishedReport,
};

/** Refusals a redelivery cannot change (a stale attempt above all): acked and logged, not retried. */
const FINAL_REFUSALS: readonly string[] = [JobErrorCode.NotFound, JobErrorCode.StateConflict, JobErrorCode.AttemptStale];

const PREFETCH = 20;

/** The durable quorum queue job reports wait in: `<ns>.jobs.reports`. */
export function jobReportsQueue(names: BrokerNames): string {
  return names.serviceQueue('jobs', 'reports');
}

/**
 * Consumes `job.cancelling` and `job.finished` from `<ns>.jobs.reports` with the shared report
 * queue consumer: acked after commit, final refusals acked and logged, failures retried with
 * backoff and dead-lettered after the last attempt, invalid payloads dead-lettered at once.
 */
@Injectable()
export class JobReportConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: ReportQueueConsumer<typeof JOB_REPORTS>;

  constructor(connection: AmqpConnection, names: BrokerNames, reports: JobReportService, @Inject(JOBS_CONFIG) config: JobsConfig, metrics: MetricsService) {
    this.consumer = new ReportQueueConsumer({
      connection,
      names,
      queue: jobReportsQueue(names),
      subject: 'job',
      reports: JOB_REPORTS,
      prefetch: PREFETCH,
      retry: config.reportRetry,
      apply: (reading) => applyJobReport(reports, reading),
      finalRefusals: FINAL_REFUSALS,
      describe: ({ report }) => ({ job_id: report.job_id, agent_id: report.agent_id, attempt: report.attempt }),
      handled: metrics.counter('proctor_jobs_reports_total', 'Job reports consumed from the queue, by report and outcome', ['report', 'outcome']),
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }
}

function applyJobReport(reports: JobReportService, reading: AgentReport<typeof JOB_REPORTS>): Promise<unknown> {
  switch (reading.kind) {
    case JobReport.Cancelling:
      return reports.cancelling(reading.report);
    case JobReport.Finished:
      return reports.finished(reading.report);
  }
}
