import { OnModuleInit } from '@nestjs/common';
import { CommonErrorCode, FleetReport, HeartbeatBatchMessage, HeartbeatMessage, HeartbeatMessageType, ProctorError } from '@proctor/contracts';
import { AmqpConnection, BrokerNames, ConfirmPublisher, declareExchanges, MessageHeader, PublishError, PublishOptions } from '@proctor/messaging';
import { MetricsService } from '@proctor/observability';
import { randomUUID } from 'node:crypto';
import type { Counter, Histogram } from 'prom-client';
import { BatchWindow, HeartbeatBatcher } from './heartbeat-batcher';

type Outcome = 'accepted' | 'unroutable' | 'refused' | 'unconfirmed';

export interface PendingHeartbeat {
  heartbeat: HeartbeatMessage;
  requestId: string | undefined;
}

/** The broker did not confirm a batch within the deadline (told apart from its refusals). */
class UnconfirmedError extends Error {}

/** Buckets of the heartbeats-per-message histogram. */
const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500];

/**
 * The broker message that carries a batch: a batch of one as the single HeartbeatMessage every
 * fleet service reads (its id as message id, the request id in its headers), more as one
 * HeartbeatBatchMessage. Either way persistent, and (by ConfirmPublisher) mandatory.
 */
export function heartbeatBatchMessage(batch: PendingHeartbeat[]): { body: Buffer; options: PublishOptions } {
  const common = { persistent: true, contentType: 'application/json' };
  if (batch.length === 1) {
    const [{ heartbeat, requestId }] = batch;
    return {
      body: Buffer.from(JSON.stringify(heartbeat)),
      options: {
        ...common,
        messageId: heartbeat.heartbeat_id,
        type: HeartbeatMessageType.Single,
        headers: requestId ? { [MessageHeader.RequestId]: requestId } : undefined,
      },
    };
  }
  const message: HeartbeatBatchMessage = { heartbeats: batch.map((p) => p.heartbeat) };
  return { body: Buffer.from(JSON.stringify(message)), options: { ...common, messageId: randomUUID(), type: HeartbeatMessageType.Batch } };
}

/**
 * Hands heartbeats to the broker on `proctor.reports` with the routing key `device.heartbeat`,
 * on a confirm channel of the gateway's own. The heartbeats accepted within a short window (see
 * HeartbeatBatcher) travel as one persistent, mandatory message, which costs the broker and both
 * services one message instead of one per heartbeat; the fleet consumer de-duplicates by each
 * heartbeat's id. A publish resolves only once the broker has confirmed that a queue holds the
 * message carrying it; if no queue takes it (fleet never declared its queue), the broker refuses
 * it, or it is not confirmed in time, every heartbeat in it fails with a 503, so the gateway never
 * says "accepted" about a heartbeat it dropped.
 */
export class HeartbeatPublisher implements OnModuleInit {
  private readonly publisher: ConfirmPublisher;
  private readonly exchange: string;
  private readonly batcher: HeartbeatBatcher<PendingHeartbeat>;
  private readonly outcomes: Record<Outcome, ReturnType<Counter<string>['labels']>>;
  private readonly batchSizes: Histogram<string>;

  constructor(
    connection: AmqpConnection,
    names: BrokerNames,
    metrics: MetricsService,
    private readonly confirmTimeoutMs: number,
    window: BatchWindow,
  ) {
    this.exchange = names.reportsExchange;
    // Declares the exchanges itself: a gateway started before any service can still publish (and be told "unroutable").
    this.publisher = new ConfirmPublisher(connection, (channel) => declareExchanges(channel, names));
    this.batcher = new HeartbeatBatcher(window, (batch) => this.publishBatch(batch));
    const counter = metrics.counter('proctor_gateway_heartbeats_total', 'Device heartbeats offered to the broker, by outcome', ['outcome']);
    // Children bound once: counting a heartbeat costs no label lookup.
    this.outcomes = {
      accepted: counter.labels('accepted'),
      unroutable: counter.labels('unroutable'),
      refused: counter.labels('refused'),
      unconfirmed: counter.labels('unconfirmed'),
    };
    this.batchSizes = metrics.histogram('proctor_gateway_heartbeat_batch_size', 'Heartbeats per broker message', [], BATCH_SIZE_BUCKETS);
  }

  onModuleInit(): Promise<void> {
    return this.publisher.start();
  }

  /** Resolves once the broker has confirmed the message carrying this heartbeat; a ProctorError (503) otherwise. */
  async publish(heartbeat: HeartbeatMessage, requestId: string | undefined): Promise<void> {
    try {
      await this.batcher.add({ heartbeat, requestId });
      this.outcomes.accepted.inc();
    } catch (e) {
      throw this.refusal(e);
    }
  }

  private async publishBatch(batch: PendingHeartbeat[]): Promise<void> {
    this.batchSizes.observe(batch.length);
    const { body, options } = heartbeatBatchMessage(batch);
    const confirmed = this.publisher.publish(this.exchange, FleetReport.Heartbeat, body, options);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'unconfirmed'>((resolve) => (timer = setTimeout(resolve, this.confirmTimeoutMs, 'unconfirmed')));
    try {
      if ((await Promise.race([confirmed, deadline])) === 'unconfirmed') throw new UnconfirmedError();
    } finally {
      clearTimeout(timer);
    }
  }

  /** One error per heartbeat (the envelope filter gets its own object), for a batch that failed. */
  private refusal(error: unknown): ProctorError {
    if (error instanceof UnconfirmedError) {
      this.outcomes.unconfirmed.inc();
      return new ProctorError(CommonErrorCode.DeadlineExceeded, `the broker did not confirm the heartbeat within ${this.confirmTimeoutMs} ms`, {
        timeout_ms: this.confirmTimeoutMs,
      });
    }
    if (error instanceof PublishError && error.reason === 'unroutable') {
      this.outcomes.unroutable.inc();
      return new ProctorError(CommonErrorCode.ServiceUnavailable, 'no queue takes device heartbeats yet (the fleet service has not started); the heartbeat was not accepted', {
        routing_key: FleetReport.Heartbeat,
      });
    }
    this.outcomes.refused.inc();
    return new ProctorError(CommonErrorCode.ServiceUnavailable, `the broker did not take the heartbeat: ${(error as Error).message}`);
  }
}
