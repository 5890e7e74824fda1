import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AGENT_ID_HEADER, CommonErrorCode, ExerciseErrorCode, ProctorError, TaskReport, TaskResultMessage, TaskStartedMessage, validationDetails } from '@proctor/contracts';
import {
  AmqpConnection,
  BrokerNames,
  brokerDeliveryLimit,
  ConfirmPublisher,
  declareDurableQueue,
  declareExchanges,
  decideOnFailure,
  publishDeadLetter,
  MessageHeader,
  toErrorBody,
} from '@proctor/messaging';
import { MetricsService, RequestContext } from '@proctor/observability';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { EXERCISES_CONFIG, ExercisesConfig } from '../exercises-config';
import { TaskReportService } from './task-report.service';

/** Refusals that a redelivery cannot change: the report is dropped (acked) with a warning, not retried. */
const FINAL_REFUSALS: readonly string[] = [ExerciseErrorCode.TaskNotFound, ExerciseErrorCode.TaskStateConflict, ExerciseErrorCode.TaskAttemptStale];

type Reading =
  | { ok: true; kind: TaskReport.Accepted | TaskReport.Started; report: TaskStartedMessage }
  | { ok: true; kind: TaskReport.Finished; report: TaskResultMessage }
  | { ok: false; reason: string };

function validated<T extends object>(payloadClass: ClassConstructor<T>, plain: object): { ok: true; report: T } | { ok: false; reason: string } {
  const report = plainToInstance(payloadClass, plain);
  const errors = validateSync(report, { whitelist: true, forbidNonWhitelisted: true });
  return errors.length > 0 ? { ok: false, reason: `invalid payload: ${JSON.stringify(validationDetails(errors))}` } : { ok: true, report };
}

/** Reads and validates a report as the RPC path's validation pipe would (unknown fields refused). */
export function readReport(routingKey: string, content: Buffer, agentHeader: unknown): Reading {
  if (routingKey !== TaskReport.Accepted && routingKey !== TaskReport.Started && routingKey !== TaskReport.Finished) {
    return { ok: false, reason: `not a task report: ${routingKey}` };
  }
  let plain: unknown;
  try {
    plain = JSON.parse(content.toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid payload: not JSON' };
  }
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return { ok: false, reason: 'invalid payload: not a JSON object' };
  let reading: Reading;
  if (routingKey === TaskReport.Finished) {
    const result = validated(TaskResultMessage, plain);
    reading = result.ok ? { ok: true, kind: routingKey, report: result.report } : result;
  } else {
    const result = validated(TaskStartedMessage, plain);
    reading = result.ok ? { ok: true, kind: routingKey, report: result.report } : result;
  }
  if (reading.ok && typeof agentHeader === 'string' && agentHeader !== reading.report.agent_id) {
    return { ok: false, reason: `${AGENT_ID_HEADER} ${agentHeader} does not match agent_id ${reading.report.agent_id}` };
  }
  return reading;
}

/**
 * Consumes what daemons report on `proctor.reports` (`task.accepted`, `task.started`,
 * `task.finished`) from the durable quorum queue `<ns>.exercises.reports`. A report is acked only
 * after its effect is committed; a refusal that a redelivery cannot change (stale attempt, state
 * conflict, unknown task) is acked and logged; a failure (the database away) is retried with a
 * backoff and dead-lettered after the last attempt, as is an invalid payload at once.
 */
@Injectable()
export class TaskReportConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TaskReportConsumer.name);
  private readonly deadLetters: ConfirmPublisher;
  private readonly queue: string;
  private channel?: Channel;
  private consumerTag?: string;
  private stopping = false;
  private inFlight = 0;
  private idle?: () => void;
  private readonly handled;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly names: BrokerNames,
    private readonly reports: TaskReportService,
    @Inject(EXERCISES_CONFIG) private readonly config: ExercisesConfig,
    metrics: MetricsService,
  ) {
    this.deadLetters = new ConfirmPublisher(connection);
    this.queue = names.serviceQueue('exercises', 'reports');
    this.handled = metrics.counter('proctor_exercises_task_reports_total', 'Task reports consumed from the queue, by report and outcome', ['report', 'outcome']);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.deadLetters.start();
    await this.connection.onConnected((conn) => this.setup(conn));
  }

  private async setup(conn: ChannelModel): Promise<void> {
    if (this.stopping) return;
    const channel = await conn.createChannel();
    channel.on('error', (e: Error) => this.logger.warn({ msg: 'report channel error', error: e.message }));
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
      // Closed by the broker on its own: consume again on a fresh connection rather than look alive.
      if (!this.stopping && this.connection.isCurrent(conn)) void this.connection.recycle('the task report consumer lost its channel');
    });
    await declareExchanges(channel, this.names);
    await declareDurableQueue(channel, this.names, this.queue, brokerDeliveryLimit(this.config.reportRetry));
    for (const key of Object.values(TaskReport)) await channel.bindQueue(this.queue, this.names.reportsExchange, key);
    await channel.prefetch(this.config.reportPrefetch);
    this.channel = channel;
    const { consumerTag } = await channel.consume(this.queue, (msg) => msg && void this.track(() => this.handle(channel, msg)));
    this.consumerTag = consumerTag;
    this.logger.log({ msg: 'consuming task reports', queue: this.queue });
  }

  private async handle(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const key = msg.fields.routingKey;
    const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
    const attempt = (Number(headers['x-delivery-count'] ?? 0) || 0) + 1;
    const reading = readReport(key, msg.content, headers[AGENT_ID_HEADER]);
    if (!reading.ok) {
      await this.deadLetter(channel, msg, reading.reason, attempt);
      return;
    }
    const requestId = typeof headers[MessageHeader.RequestId] === 'string' ? (headers[MessageHeader.RequestId] as string) : randomUUID();
    const messageId = typeof msg.properties.messageId === 'string' ? (msg.properties.messageId as string) : undefined;
    try {
      await RequestContext.run({ requestId, messageId }, () => this.apply(reading));
      channel.ack(msg);
      this.handled.inc({ report: key, outcome: 'ok' });
    } catch (e) {
      if (e instanceof ProctorError && FINAL_REFUSALS.includes(e.code)) {
        this.logger.warn({ msg: 'task report refused', report: key, code: e.code, error: e.message, task_id: reading.report.task_id });
        channel.ack(msg);
        this.handled.inc({ report: key, outcome: e.code });
        return;
      }
      const { body, expected } = toErrorBody(e);
      if (!expected) this.logger.error({ msg: 'task report failed', report: key, error: e instanceof Error ? e.stack : String(e) });
      const decision = decideOnFailure(
        body.code === CommonErrorCode.Internal ? { code: body.code, message: e instanceof Error ? e.message : String(e) } : body,
        attempt,
        this.config.reportRetry,
      );
      if (decision.action === 'dead') {
        await this.deadLetter(channel, msg, decision.reason, attempt);
        return;
      }
      this.handled.inc({ report: key, outcome: 'retried' });
      await new Promise((r) => setTimeout(r, decision.delayMs));
      channel.nack(msg, false, true);
    }
  }

  private apply(reading: Extract<Reading, { ok: true }>): Promise<unknown> {
    switch (reading.kind) {
      case TaskReport.Accepted:
        return this.reports.accepted(reading.report);
      case TaskReport.Started:
        return this.reports.started(reading.report);
      case TaskReport.Finished:
        return this.reports.finished(reading.report);
    }
  }

  private async deadLetter(channel: Channel, msg: ConsumeMessage, reason: string, attempt: number): Promise<void> {
    try {
      await publishDeadLetter(this.deadLetters, this.names, this.queue, msg, reason, attempt);
      channel.ack(msg);
      this.handled.inc({ report: msg.fields.routingKey, outcome: 'dead' });
      this.logger.error({ msg: 'task report dead-lettered', queue: this.queue, reason, attempt });
    } catch (e) {
      // Not parked, so not acked: it comes back rather than vanish.
      this.logger.warn({ msg: 'could not dead-letter a task report, requeueing', error: (e as Error).message });
      channel.nack(msg, false, true);
    }
  }

  private async track(work: () => Promise<void>): Promise<void> {
    this.inFlight++;
    try {
      await work();
    } catch (e) {
      this.logger.error({ msg: 'task report handling failed', error: (e as Error).message });
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.idle?.();
    }
  }

  /** Graceful stop: no new deliveries, let those in flight commit and ack, then close the channel. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    if (this.inFlight > 0) {
      await Promise.race([new Promise<void>((r) => (this.idle = r)), new Promise((r) => setTimeout(r, 10_000))]);
    }
    await channel?.close().catch(() => undefined);
  }
}
