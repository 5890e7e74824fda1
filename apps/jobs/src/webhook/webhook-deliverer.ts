import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundLoop } from '@proctor/messaging';
import { MetricsService } from '@proctor/observability';
import { JOBS_CONFIG, JobsConfig } from '../jobs-config';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookDelivery } from './webhook-delivery.entity';
import { nextWebhookStep } from './webhook-retry';
import { postWebhook } from './webhook-sender';
import { webhookHeaders } from './webhook-signature';
import { WebhookTargetPolicy } from './webhook-target-policy';

const BATCH = 20;
const TIMEOUT_MS = 5000;
/** Longer than a POST may take, so that a delivery under way is never taken twice. */
const LEASE_SECONDS = 30;

/**
 * POSTs each finished job to its webhook_url, signed, at least once: due rows are taken under a
 * lease, a 2xx marks them delivered, anything else retries them with backoff until
 * JOBS_WEBHOOK_MAX_ATTEMPTS, then gives up (gave_up_at, last_error). Woken after a finish that owes
 * one; otherwise it runs when the next retry is due, or at the sweep interval.
 */
@Injectable()
export class WebhookDeliverer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliverer.name);
  private readonly loop: BackgroundLoop;
  private readonly outcomes;
  private readonly targets: WebhookTargetPolicy;

  constructor(
    private readonly deliveries: WebhookDeliveryRepository,
    @Inject(JOBS_CONFIG) private readonly config: JobsConfig,
    metrics: MetricsService,
  ) {
    this.targets = new WebhookTargetPolicy(config.webhookAllowedCidrs);
    this.loop = new BackgroundLoop('WebhookDeliverer', () => this.run(), config.sweepIntervalMs);
    this.outcomes = metrics.counter('proctor_jobs_webhook_deliveries_total', 'Webhook POSTs, by outcome (delivered, retry, gave_up)', ['outcome']);
  }

  onApplicationBootstrap(): void {
    // Said once at start: an installation whose receivers are internal must allow their networks.
    this.logger.log({ msg: 'webhooks to internal addresses are refused except to JOBS_WEBHOOK_ALLOWED_CIDRS', allowed_cidrs: this.config.webhookAllowedCidrs });
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  wake(): void {
    this.loop.wake();
  }

  private async run(): Promise<void> {
    for (let due = await this.deliveries.claimDue(BATCH, LEASE_SECONDS); due.length > 0; due = await this.deliveries.claimDue(BATCH, LEASE_SECONDS)) {
      await Promise.all(due.map((delivery) => this.deliver(delivery)));
      if (due.length < BATCH) break;
    }
    const next = await this.deliveries.nextDueAt();
    if (next) this.loop.runAt(next.getTime());
  }

  private async deliver(delivery: WebhookDelivery): Promise<void> {
    const body = JSON.stringify(delivery.payload);
    const response = await postWebhook(delivery.url, body, webhookHeaders(this.config.webhookSecret, delivery.id, body), TIMEOUT_MS, this.targets);
    const attempts = delivery.attempts + 1;
    const step = nextWebhookStep(response.result, attempts, this.config.webhookRetry);
    const error = response.error;
    switch (step.action) {
      case 'delivered':
        await this.deliveries.markDelivered(delivery.id);
        break;
      case 'retry':
        await this.deliveries.markRetry(delivery.id, error, step.delayMs);
        this.logger.warn({ msg: 'webhook not delivered, will retry', delivery_id: delivery.id, job_id: delivery.job_id, attempts, retry_in_ms: step.delayMs, error });
        break;
      case 'give_up':
        await this.deliveries.markGaveUp(delivery.id, error);
        this.logger.error({ msg: 'webhook given up', delivery_id: delivery.id, job_id: delivery.job_id, attempts, error });
        break;
    }
    this.outcomes.inc({ outcome: step.action });
  }
}
