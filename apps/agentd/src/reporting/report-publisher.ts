import {
  AGENT_ID_HEADER,
  HeldJob,
  JobCancellingReport,
  JobFinishedReport,
  JobReport,
  TaskAssignment,
  TaskReport,
  TaskResultMessage,
  TaskStartedMessage,
} from '@proctor/contracts';
import { backoffDelay, BrokerNames, ConfirmPublisher } from '@proctor/messaging';
import { JsonLogger, MetricsService } from '@proctor/observability';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayClient } from '../gateway/gateway-client';
import { GatewayError } from '../gateway/gateway-error';
import { shouldRetry } from '../gateway/retry-decision';
import { TaskOutcome } from '../iperf3/iperf3-outcome';
import { withConfirmDeadline } from './confirm-deadline';
import { reportId } from './report-id';

export interface ReportPublisherOptions {
  agentId: string;
  publisher: ConfirmPublisher;
  names: BrokerNames;
  gateway: GatewayClient;
  logger: JsonLogger;
  metrics: MetricsService;
  /** How long a publish may wait for the broker's confirm before the report goes over HTTP. */
  confirmTimeoutMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

const CONTEXT = 'Reports';

/**
 * Delivers task reports: on `proctor.reports` (persistent, confirmed, `x-agent-id`), else, or when
 * the broker does not confirm, over HTTP; both carry the same id (reportId), so a report sent both
 * ways is applied once. The reports of one task go out in order (finished never overtakes started)
 * and each is retried until delivered, refused (a 4xx: stale attempt, state conflict) or abandoned
 * at stop. Job reports go the same way on the broker only (the agent protocol has no HTTP route for
 * them), retried until the broker confirms them.
 */
export class ReportPublisher {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly delivered: ReturnType<MetricsService['counter']>;
  private readonly refused: ReturnType<MetricsService['counter']>;

  constructor(private readonly options: ReportPublisherOptions) {
    this.delivered = options.metrics.counter('proctor_agentd_reports_total', 'Task reports delivered, by kind and transport', ['kind', 'transport']);
    this.refused = options.metrics.counter('proctor_agentd_reports_refused_total', 'Task reports refused or abandoned, by kind', ['kind']);
  }

  /**
   * `task.accepted`, on the broker only: the HTTP protocol has no acceptance (a claim is one), and
   * a command is acked only after this is confirmed. Throws when the broker did not take it.
   */
  async accepted(task: TaskAssignment): Promise<void> {
    await this.publishOnBroker(task, TaskReport.Accepted, this.startedMessage(task));
    this.delivered.inc({ kind: TaskReport.Accepted, transport: 'amqp' });
  }

  started(task: TaskAssignment): void {
    this.enqueue(task, TaskReport.Started);
  }

  finished(task: TaskAssignment, outcome: TaskOutcome): void {
    this.enqueue(task, TaskReport.Finished, outcome);
  }

  /** `job.cancelling`: the daemon has the cancel in hand and is stopping the job. */
  jobCancelling(job: HeldJob): void {
    const message: JobCancellingReport = { agent_id: this.options.agentId, job_id: job.job_id, attempt: job.attempt };
    this.enqueueJob(job, JobReport.Cancelling, message);
  }

  /** `job.finished`, sent once the run's last log chunk is confirmed. */
  jobFinished(report: Omit<JobFinishedReport, 'agent_id'>): void {
    const message: JobFinishedReport = { agent_id: this.options.agentId, ...report };
    this.enqueueJob(report, JobReport.Finished, message);
  }

  /** Waits until every queued report is delivered or given up, for at most `timeoutMs`; false if some are left. */
  async flush(timeoutMs: number): Promise<boolean> {
    const pending = Promise.all([...this.chains.values()]).then(() => true);
    const timer = sleep(timeoutMs, false, { ref: false });
    return Promise.race([pending, timer]);
  }

  /** Abandons the reports still being retried. */
  stop(): void {
    this.stopping.abort();
  }

  private enqueue(task: TaskAssignment, kind: TaskReport, outcome?: TaskOutcome): void {
    this.chain(task.task_id, () => this.deliver(task, kind, outcome));
  }

  private enqueueJob(job: HeldJob, kind: JobReport, message: JobCancellingReport | JobFinishedReport): void {
    this.chain(job.job_id, () => this.deliverJob(job, kind, message));
  }

  /** Runs `deliver` after the reports queued before it for the same task or job. */
  private chain(id: string, deliver: () => Promise<void>): void {
    const previous = this.chains.get(id) ?? Promise.resolve();
    const next = previous.then(deliver);
    this.chains.set(id, next);
    void next.finally(() => {
      if (this.chains.get(id) === next) this.chains.delete(id);
    });
  }

  private async deliverJob(job: HeldJob, kind: JobReport, message: JobCancellingReport | JobFinishedReport): Promise<void> {
    const { logger, agentId } = this.options;
    const fields = { job_id: job.job_id, attempt: job.attempt, kind };
    const messageId = reportId(agentId, job.job_id, job.attempt, kind);
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      try {
        await this.publish(kind, message, messageId);
        this.delivered.inc({ kind, transport: 'amqp' });
        return;
      } catch (e) {
        const delay = backoffDelay(attempt, this.options.retryBaseMs ?? 1000, Math.min(this.options.retryMaxMs ?? 30_000, 5000));
        logger.warn({ msg: 'job report not confirmed by the broker, retrying', ...fields, error: (e as Error).message, retry_in_ms: delay }, CONTEXT);
        const abandoned = await sleep(delay, false, { signal: this.stopping.signal }).catch(() => true);
        if (abandoned) break;
      }
    }
    this.refused.inc({ kind });
    logger.error({ msg: 'job report abandoned: the daemon is stopping', ...fields }, CONTEXT);
  }

  private async deliver(task: TaskAssignment, kind: TaskReport, outcome?: TaskOutcome): Promise<void> {
    const { logger } = this.options;
    const fields = { task_id: task.task_id, attempt: task.attempt, kind };
    const message = outcome ? this.resultMessage(task, outcome) : this.startedMessage(task);
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      if (this.options.publisher.ready) {
        try {
          await this.publishOnBroker(task, kind, message);
          this.delivered.inc({ kind, transport: 'amqp' });
          return;
        } catch (e) {
          logger.warn({ msg: 'report not confirmed by the broker, sending it over HTTP', ...fields, error: (e as Error).message }, CONTEXT);
        }
      }
      try {
        await this.postOverHttp(task, kind, outcome);
        this.delivered.inc({ kind, transport: 'http' });
        return;
      } catch (e) {
        const error = e instanceof GatewayError ? e : new GatewayError(null, 'internal', (e as Error).message);
        if (error.code === 'abandoned') break;
        if (error.status !== null && !shouldRetry({ kind: 'status', status: error.status, code: error.code })) {
          this.refused.inc({ kind });
          logger.warn({ msg: 'report refused by the gateway', ...fields, status: error.status, code: error.code, error: error.message }, CONTEXT);
          return;
        }
        const delay = backoffDelay(attempt, this.options.retryBaseMs ?? 1000, this.options.retryMaxMs ?? 30_000);
        logger.warn({ msg: 'report not delivered, retrying', ...fields, error: error.message, retry_in_ms: delay }, CONTEXT);
        const abandoned = await sleep(delay, false, { signal: this.stopping.signal }).catch(() => true);
        if (abandoned) break;
      }
    }
    this.refused.inc({ kind });
    logger.error({ msg: 'report abandoned: the daemon is stopping', ...fields }, CONTEXT);
  }

  private publishOnBroker(task: TaskAssignment, kind: TaskReport, message: TaskStartedMessage | TaskResultMessage): Promise<void> {
    return this.publish(kind, message, reportId(this.options.agentId, task.task_id, task.attempt, kind));
  }

  private publish(kind: TaskReport | JobReport, message: object, messageId: string): Promise<void> {
    const { publisher, names, agentId } = this.options;
    const published = publisher.publish(names.reportsExchange, kind, Buffer.from(JSON.stringify(message)), {
      messageId,
      persistent: true,
      contentType: 'application/json',
      timestamp: Math.floor(Date.now() / 1000),
      type: kind,
      appId: 'agentd',
      headers: { [AGENT_ID_HEADER]: agentId },
    });
    return withConfirmDeadline(published, this.options.confirmTimeoutMs ?? 10_000);
  }

  private async postOverHttp(task: TaskAssignment, kind: TaskReport, outcome?: TaskOutcome): Promise<void> {
    const path = `/v1/agent/tasks/${encodeURIComponent(task.task_id)}/${kind === TaskReport.Finished ? 'result' : 'started'}`;
    const body = outcome
      ? { attempt: task.attempt, success: outcome.success, ...(outcome.output ? { output: outcome.output } : {}), ...(outcome.error ? { error: outcome.error } : {}) }
      : { attempt: task.attempt };
    await this.options.gateway.post(path, body, {
      idempotencyKey: reportId(this.options.agentId, task.task_id, task.attempt, kind),
      maxAttempts: 2,
      signal: this.stopping.signal,
    });
  }

  private startedMessage(task: TaskAssignment): TaskStartedMessage {
    return { task_id: task.task_id, agent_id: this.options.agentId, attempt: task.attempt };
  }

  private resultMessage(task: TaskAssignment, outcome: TaskOutcome): TaskResultMessage {
    return {
      ...this.startedMessage(task),
      success: outcome.success,
      ...(outcome.output ? { output: outcome.output } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
    };
  }
}
