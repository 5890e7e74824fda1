import { Injectable, Logger } from '@nestjs/common';
import { JobsEvent } from '@proctor/contracts';
import { MetricsService } from '@proctor/observability';
import { OutboxWriter } from '@proctor/persistence';
import { EntityManager } from 'typeorm';
import { Job } from '../job/job.entity';
import { JobDispatcher } from '../scheduling/job-dispatcher';
import { WebhookDeliverer } from '../webhook/webhook-deliverer';
import { WebhookDeliveryRepository } from '../webhook/webhook-delivery.repository';
import { finishedEvent, JobEnding } from './job-ending';
import { JobExecutionRepository } from './job-execution.repository';
import { lostJobVerdict } from './job-loss-rule';

/** What a transaction did to jobs, for what follows its commit. */
export class JobChanges {
  readonly finished: Job[] = [];
  readonly requeued: Job[] = [];
}

/** Run durations, from a second to a day. */
const RUN_SECONDS_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400];

/**
 * The one way a job ends or goes back to the queue, inside the caller's transaction: the row, the
 * `jobs.job.finished` event and the webhook it owes commit together. After the commit, `settled`
 * counts what ended and wakes the dispatcher (slots were freed, jobs queued) and the webhook deliverer.
 */
@Injectable()
export class JobFinisher {
  private readonly logger = new Logger(JobFinisher.name);
  private readonly finishedTotal;
  private readonly runSeconds;

  constructor(
    private readonly executions: JobExecutionRepository,
    private readonly outbox: OutboxWriter,
    private readonly webhooks: WebhookDeliveryRepository,
    private readonly dispatcher: JobDispatcher,
    private readonly deliverer: WebhookDeliverer,
    metrics: MetricsService,
  ) {
    this.finishedTotal = metrics.counter('proctor_jobs_finished_total', 'Jobs finished, by status', ['status']);
    this.runSeconds = metrics.histogram('proctor_jobs_run_duration_seconds', 'From claim to end, of jobs that ran, by status', ['status'], RUN_SECONDS_BUCKETS);
  }

  /** Ends the job's current attempt; null when it had ended or moved on meanwhile. */
  async finish(manager: EntityManager, job: Pick<Job, 'id' | 'attempt'>, ending: JobEnding, changes: JobChanges): Promise<Job | null> {
    const finished = await this.executions.finish(manager, job, ending);
    if (!finished) return null;
    const event = finishedEvent(finished);
    await this.outbox.add(manager, JobsEvent.Finished, event);
    if (finished.webhook_url) await this.webhooks.add(manager, { job_id: finished.id, url: finished.webhook_url, payload: event });
    changes.finished.push(finished);
    return finished;
  }

  /** The lost-job rule: back to the queue, or ended (failed, or canceled if a cancel was asked for). */
  async lose(manager: EntityManager, job: Job, agentName: string, changes: JobChanges): Promise<void> {
    const verdict = lostJobVerdict(job, agentName);
    if (verdict.action === 'end') {
      await this.finish(manager, job, verdict.ending, changes);
      return;
    }
    const requeued = await this.executions.requeue(manager, job);
    if (requeued) changes.requeued.push(requeued);
  }

  /** After the commit of `changes`. */
  settled(changes: JobChanges): void {
    for (const job of changes.finished) {
      this.finishedTotal.inc({ status: job.status });
      if (job.start_time && job.end_time) this.runSeconds.observe({ status: job.status }, (job.end_time.getTime() - job.start_time.getTime()) / 1000);
      this.logger.log({ msg: 'job finished', job_id: job.id, status: job.status, attempt: job.attempt, reason: job.reason });
    }
    for (const job of changes.requeued) this.logger.log({ msg: 'job back in the queue', job_id: job.id, attempt: job.attempt });
    if (changes.finished.length > 0 || changes.requeued.length > 0) this.dispatcher.wake();
    if (changes.finished.some((job) => job.webhook_url)) this.deliverer.wake();
  }
}
