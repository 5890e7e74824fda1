import { OnModuleInit } from '@nestjs/common';
import { CommonErrorCode, FleetReport, HeartbeatMessage, ProctorError } from '@proctor/contracts';
import { AmqpConnection, BrokerNames, ConfirmPublisher, declareExchanges, MessageHeader, PublishError } from '@proctor/messaging';
import { MetricsService } from '@proctor/observability';
import type { Counter } from 'prom-client';

type Outcome = 'accepted' | 'unroutable' | 'refused' | 'unconfirmed';

/**
 * Hands heartbeats to the broker on `proctor.reports` with the routing key `device.heartbeat`,
 * on a confirm channel of the gateway's own: persistent, `mandatory`, the heartbeat id as message
 * id (the fleet consumer de-duplicates by it). A publish resolves only once the broker has
 * confirmed that a queue holds the message; one that no queue takes (fleet never declared its
 * queue), that the broker refuses, or that is not confirmed in time fails with a 503, so the
 * gateway never says "accepted" about a heartbeat it dropped.
 */
export class HeartbeatPublisher implements OnModuleInit {
  private readonly publisher: ConfirmPublisher;
  private readonly exchange: string;
  private readonly outcomes: Record<Outcome, ReturnType<Counter<string>['labels']>>;

  constructor(
    connection: AmqpConnection,
    names: BrokerNames,
    metrics: MetricsService,
    private readonly confirmTimeoutMs: number,
  ) {
    this.exchange = names.reportsExchange;
    // Declares the exchanges itself: a gateway started before any service can still publish (and be told "unroutable").
    this.publisher = new ConfirmPublisher(connection, (channel) => declareExchanges(channel, names));
    const counter = metrics.counter('proctor_gateway_heartbeats_total', 'Device heartbeats offered to the broker, by outcome', ['outcome']);
    // Children bound once: counting a heartbeat costs no label lookup.
    this.outcomes = {
      accepted: counter.labels('accepted'),
      unroutable: counter.labels('unroutable'),
      refused: counter.labels('refused'),
      unconfirmed: counter.labels('unconfirmed'),
    };
  }

  onModuleInit(): Promise<void> {
    return this.publisher.start();
  }

  async publish(heartbeat: HeartbeatMessage, requestId: string | undefined): Promise<void> {
    const body = Buffer.from(JSON.stringify(heartbeat));
    const confirmed = this.publisher.publish(this.exchange, FleetReport.Heartbeat, body, {
      persistent: true,
      messageId: heartbeat.heartbeat_id,
      contentType: 'application/json',
      type: FleetReport.Heartbeat,
      headers: requestId ? { [MessageHeader.RequestId]: requestId } : undefined,
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'unconfirmed'>((resolve) => (timer = setTimeout(resolve, this.confirmTimeoutMs, 'unconfirmed')));
    try {
      if ((await Promise.race([confirmed, deadline])) === 'unconfirmed') {
        this.outcomes.unconfirmed.inc();
        throw new ProctorError(CommonErrorCode.DeadlineExceeded, `the broker did not confirm the heartbeat within ${this.confirmTimeoutMs} ms`, {
          timeout_ms: this.confirmTimeoutMs,
        });
      }
      this.outcomes.accepted.inc();
    } catch (e) {
      if (e instanceof ProctorError) throw e;
      throw this.refusal(e);
    } finally {
      clearTimeout(timer);
    }
  }

  private refusal(error: unknown): ProctorError {
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
