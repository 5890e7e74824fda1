import { Logger } from '@nestjs/common';
import { AGENT_ID_HEADER, CommonErrorCode, ProctorError } from '@proctor/contracts';
import { RequestContext } from '@proctor/observability';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { Counter } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { AmqpConnection } from '../connection/amqp-connection';
import { ConfirmPublisher } from '../publishing/confirm-publisher';
import { MessageHeader } from '../rpc/rpc-wire';
import { toErrorBody } from '../server/error-body';
import { BrokerNames } from '../topology/broker-names';
import { declareDurableQueue, declareExchanges } from '../topology/declare-topology';
import { AgentReport, readAgentReport, ReportClasses } from './agent-report';
import { publishDeadLetter } from './dead-letter';
import { brokerDeliveryLimit, decideOnFailure, RetryPolicy } from './retry-policy';

export interface ReportQueueConsumerOptions<M extends ReportClasses> {
  connection: AmqpConnection;
  names: BrokerNames;
  /** A durable quorum queue (`<ns><service>.reports`), declared with its `.dead` queue at start. */
  queue: string;
  /** What the reports are about, for logs and refusals: `task`, `job`. */
  subject: string;
  /** The payload class of each routing key; the queue is bound to `proctor.reports` with each key. */
  reports: M;
  prefetch: number;
  retry: RetryPolicy;
  /** Applies one report; resolves once its effect is committed. */
  apply: (report: AgentReport<M>) => Promise<unknown>;
  /** Error codes a redelivery cannot change (stale attempt, unknown id): the report is acked and logged, not retried. */
  finalRefusals: readonly string[];
  /** What identifies a report in the log lines about it (say, its task id and attempt). */
  describe: (report: AgentReport<M>) => Record<string, unknown>;
  /** Counts reports by `report` (routing key) and `outcome` (ok, retried, dead, or the refusal's code). */
  handled?: Counter<string>;
}

/**
 * Consumes what daemons report on `proctor.reports` from a service's durable quorum queue, one
 * message at a time. A report is acked only after its effect is committed; a refusal that a
 * redelivery cannot change is acked and logged; any other failure (the database away) is retried
 * with a backoff and dead-lettered after the last attempt, as an invalid payload is at once.
 */
export class ReportQueueConsumer<M extends ReportClasses> {
  private readonly logger: Logger;
  private readonly deadLetters: ConfirmPublisher;
  private channel?: Channel;
  private consumerTag?: string;
  private stopping = false;
  private inFlight = 0;
  private idle?: () => void;

  constructor(private readonly options: ReportQueueConsumerOptions<M>) {
    this.logger = new Logger(`ReportQueueConsumer ${options.queue}`);
    this.deadLetters = new ConfirmPublisher(options.connection);
  }

  /** Declares and binds the queue, then consumes; again after every reconnect. */
  async start(): Promise<void> {
    this.stopping = false;
    await this.deadLetters.start();
    await this.options.connection.onConnected((conn) => this.setup(conn));
  }

  private async setup(conn: ChannelModel): Promise<void> {
    if (this.stopping) return;
    const { names, queue, subject } = this.options;
    const channel = await conn.createChannel();
    channel.on('error', (e: Error) => this.logger.warn({ msg: 'report channel error', queue, error: e.message }));
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
      // Closed by the broker on its own: consume again on a fresh connection rather than look alive.
      if (!this.stopping && this.options.connection.isCurrent(conn)) void this.options.connection.recycle(`the ${subject} report consumer lost its channel`);
    });
    await declareExchanges(channel, names);
    await declareDurableQueue(channel, names, queue, brokerDeliveryLimit(this.options.retry));
    for (const key of Object.keys(this.options.reports)) await channel.bindQueue(queue, names.reportsExchange, key);
    await channel.prefetch(this.options.prefetch);
    this.channel = channel;
    const { consumerTag } = await channel.consume(queue, (msg) => msg && void this.track(() => this.handle(channel, msg)));
    this.consumerTag = consumerTag;
    this.logger.log({ msg: `consuming ${subject} reports`, queue });
  }

  private async handle(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const key = msg.fields.routingKey;
    const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
    const attempt = (Number(headers['x-delivery-count'] ?? 0) || 0) + 1;
    const reading = readAgentReport(this.options.reports, this.options.subject, key, msg.content, headers[AGENT_ID_HEADER]);
    if (!reading.ok) {
      await this.deadLetter(channel, msg, reading.reason, attempt);
      return;
    }
    const requestId = typeof headers[MessageHeader.RequestId] === 'string' ? (headers[MessageHeader.RequestId] as string) : randomUUID();
    const messageId = typeof msg.properties.messageId === 'string' ? (msg.properties.messageId as string) : undefined;
    try {
      await RequestContext.run({ requestId, messageId }, () => this.options.apply(reading));
      channel.ack(msg);
      this.options.handled?.inc({ report: key, outcome: 'ok' });
    } catch (e) {
      if (e instanceof ProctorError && this.options.finalRefusals.includes(e.code)) {
        this.logger.warn({ msg: `${this.options.subject} report refused`, report: key, code: e.code, error: e.message, ...this.options.describe(reading) });
        channel.ack(msg);
        this.options.handled?.inc({ report: key, outcome: e.code });
        return;
      }
      const { body, expected } = toErrorBody(e);
      if (!expected) this.logger.error({ msg: `${this.options.subject} report failed`, report: key, error: e instanceof Error ? e.stack : String(e) });
      const decision = decideOnFailure(
        body.code === CommonErrorCode.Internal ? { code: body.code, message: e instanceof Error ? e.message : String(e) } : body,
        attempt,
        this.options.retry,
      );
      if (decision.action === 'dead') {
        await this.deadLetter(channel, msg, decision.reason, attempt);
        return;
      }
      this.options.handled?.inc({ report: key, outcome: 'retried' });
      await new Promise((r) => setTimeout(r, decision.delayMs));
      channel.nack(msg, false, true);
    }
  }

  private async deadLetter(channel: Channel, msg: ConsumeMessage, reason: string, attempt: number): Promise<void> {
    const { names, queue, subject } = this.options;
    try {
      await publishDeadLetter(this.deadLetters, names, queue, msg, reason, attempt);
      channel.ack(msg);
      this.options.handled?.inc({ report: msg.fields.routingKey, outcome: 'dead' });
      this.logger.error({ msg: `${subject} report dead-lettered`, queue, reason, attempt });
    } catch (e) {
      // Not parked, so not acked: it comes back rather than vanish.
      this.logger.warn({ msg: `could not dead-letter a ${subject} report, requeueing`, queue, error: (e as Error).message });
      channel.nack(msg, false, true);
    }
  }

  private async track(work: () => Promise<void>): Promise<void> {
    this.inFlight++;
    try {
      await work();
    } catch (e) {
      this.logger.error({ msg: `${this.options.subject} report handling failed`, error: (e as Error).message });
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.idle?.();
    }
  }

  /** Graceful stop: no new deliveries, let those in flight commit and ack, then close the channel. */
  async stop(): Promise<void> {
    this.stopping = true;
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((r) => (this.idle = r)), new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer);
    }
    await channel?.close().catch(() => undefined);
  }
}
