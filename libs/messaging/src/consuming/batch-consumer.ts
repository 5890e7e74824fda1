import { Logger } from '@nestjs/common';
import { MetricsService } from '@proctor/observability';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { ClassConstructor } from 'class-transformer';
import { randomUUID } from 'node:crypto';
import { AmqpConnection } from '../connection/amqp-connection';
import { ConfirmPublisher } from '../publishing/confirm-publisher';
import { BrokerNames } from '../topology/broker-names';
import { declareDurableQueue, declareExchanges } from '../topology/declare-topology';
import { BatchAssembler } from './batch-assembler';
import { publishDeadLetter } from './dead-letter';
import { decideOnBatchFailure } from './batch-failure';
import { PayloadCheck, PayloadReading, readCheckedPayload, readPayload } from './message-payload';
import { brokerDeliveryLimit, DEFAULT_RETRY_POLICY, RetryPolicy } from './retry-policy';

export interface BatchItem<T> {
  payload: T;
  messageId: string;
  /** The message's AMQP headers (say, `x-agent-id` on a daemon's report). */
  headers: Record<string, unknown>;
}

/**
 * A message the handler refuses for good (say, it names nothing known): it goes to `.dead` with the
 * reason. For a message that carries several items, `part` refuses one of them alone: that item is
 * parked as a message of its own (its id, its content, the original's headers) and the rest of the
 * message counts as applied. Several parts of one message may be refused.
 */
export interface BatchRejection {
  messageId: string;
  reason: string;
  part?: { messageId: string; content: Buffer };
}

/**
 * Applies one batch, all or nothing (one transaction), idempotently: a batch whose ack is lost is
 * delivered again. Resolves once the effect is committed.
 */
export type BatchHandler<T> = (items: BatchItem<T>[]) => Promise<void | { rejected: BatchRejection[] }>;

export interface BatchConsumerOptions<T extends object> {
  connection: AmqpConnection;
  names: BrokerNames;
  /** A durable quorum queue, declared with its `.dead` queue before anything is consumed. */
  queue: string;
  /** Bound at start, so that publishers find the queue as soon as this consumer has started. */
  bindings: { exchange: string; routingKey: string }[];
  /** Unacked deliveries the broker may push; at least maxBatch, twice it lets the next batch fill during a flush. */
  prefetch: number;
  maxBatch: number;
  maxWaitMs: number;
  handler: BatchHandler<T>;
  /** Validates each payload (class-validator); an invalid one is dead-lettered at once, with the reason. */
  payloadClass?: ClassConstructor<T>;
  /** Reads each payload with the consumer's own check instead of payloadClass; a refusal is dead-lettered at once. */
  payloadCheck?: PayloadCheck<T>;
  /** How many items a payload carries, for messages that carry several: maxBatch then bounds items, not messages. */
  itemsOf?: (payload: T) => number;
  retry?: RetryPolicy;
  /** Failures that blame no message (the database is down): the batch is held and retried, never dead-lettered. */
  isTransient?: (error: unknown) => boolean;
  metrics?: MetricsService;
  /** How long stop() waits for the batch being flushed. */
  drainTimeoutMs?: number;
}

/** What is parked: a whole message, or one item of a message that carries several. */
interface DeadLetter<T> {
  entry: Entry<T>;
  reason: string;
  part?: { messageId: string; content: Buffer };
}

interface Entry<T> {
  channel: Channel;
  msg: ConsumeMessage;
  messageId: string;
  attempt: number;
  reading: PayloadReading<T>;
}

/** Buckets of a batch-size histogram: messages, not seconds. */
const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500];

/**
 * Consumes a durable queue in batches bounded by count and time, for messages that are cheap one by
 * one but costly as one transaction each (heartbeats). Each batch is handed to the handler, and acked
 * with one multiple-ack only after the handler has committed. Batches are flushed one at a time, in
 * delivery order, so a multiple-ack never covers a message of a later batch.
 *
 * Failures: an invalid payload is dead-lettered at once (to `names.deadLetterExchange`, routing key
 * the queue's name, reason in `x-proctor-dead-reason`); a transient failure holds the batch and
 * retries it; any other failure requeues the batch with a backoff, and its messages come back as
 * suspects, each retried alone until it succeeds or is dead-lettered after `retry.maxAttempts`.
 */
export class BatchConsumer<T extends object> {
  private readonly logger = new Logger('BatchConsumer');
  private readonly deadLetters: ConfirmPublisher;
  private readonly assembler: BatchAssembler<Entry<T>>;
  private readonly retry: RetryPolicy;
  private channel?: Channel;
  private consumerTag?: string;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private consecutiveFailures = 0;
  private stopping = false;
  private wakeSleeper?: () => void;
  private readonly batchSize;
  private readonly flushDuration;
  private readonly messages;

  constructor(private readonly options: BatchConsumerOptions<T>) {
    // Counted in messages of one item each, fewer could never fill a batch by count. A consumer of
    // messages carrying many items (itemsOf) bounds what it holds with prefetch instead: its batches
    // fill by count from a few messages, or are sent at maxWaitMs.
    if (!options.itemsOf && options.prefetch < options.maxBatch) {
      throw new Error(`prefetch (${options.prefetch}) must be at least maxBatch (${options.maxBatch}), or no batch could ever fill`);
    }
    this.assembler = new BatchAssembler({ maxBatch: options.maxBatch, maxWaitMs: options.maxWaitMs });
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.deadLetters = new ConfirmPublisher(options.connection);
    const metrics = options.metrics;
    this.batchSize = metrics?.histogram('proctor_batch_size', 'Messages per flushed batch, by queue', ['queue'], BATCH_SIZE_BUCKETS);
    this.flushDuration = metrics?.histogram('proctor_batch_flush_duration_seconds', 'Time to apply and settle a batch, by queue and outcome', [
      'queue',
      'outcome',
    ]);
    this.messages = metrics?.counter('proctor_batch_messages_total', 'Messages settled by batch consumers, by queue and outcome (ok, dead, requeued; dead_part: items of a message parked alone)', [
      'queue',
      'outcome',
    ]);
  }

  /** Declares and binds the queue, then consumes; again after every reconnect. Resolves once consuming. */
  async start(): Promise<void> {
    this.stopping = false;
    await this.deadLetters.start();
    await this.options.connection.onConnected((conn) => this.setup(conn));
    await this.options.connection.connect();
  }

  private async setup(conn: ChannelModel): Promise<void> {
    if (this.stopping) return;
    const { names, queue } = this.options;
    const channel = await conn.createChannel();
    channel.on('error', (e: Error) => this.logger.warn({ msg: 'batch consumer channel error', queue, error: e.message }));
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
      // The broker closed the channel on its own (a channel-level error): consume again on a fresh
      // connection rather than look connected while consuming nothing.
      if (!this.stopping && this.options.connection.isCurrent(conn)) void this.options.connection.recycle(`batch consumer of ${queue} lost its channel`);
    });
    await declareExchanges(channel, names);
    await declareDurableQueue(channel, names, queue, brokerDeliveryLimit(this.retry));
    for (const binding of this.options.bindings) await channel.bindQueue(queue, binding.exchange, binding.routingKey);
    await channel.prefetch(this.options.prefetch);
    // What was held for the previous channel is redelivered by the broker; drop it.
    this.assembler.clear();
    this.channel = channel;
    const { consumerTag } = await channel.consume(queue, (msg) => msg && this.onMessage(channel, msg));
    this.consumerTag = consumerTag;
    this.logger.log({ msg: 'consuming in batches', queue, max_batch: this.options.maxBatch, max_wait_ms: this.options.maxWaitMs });
  }

  private onMessage(channel: Channel, msg: ConsumeMessage): void {
    if (channel !== this.channel) return;
    const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
    const attempt = (Number(headers['x-delivery-count'] ?? 0) || 0) + 1;
    const check = this.options.payloadCheck;
    const reading = check ? readCheckedPayload(msg.content, msg.properties.type as string | undefined, check) : readPayload(msg.content, this.options.payloadClass);
    const entry: Entry<T> = { channel, msg, messageId: (msg.properties.messageId as string | undefined) ?? randomUUID(), attempt, reading };
    const suspect = reading.ok && (attempt > 1 || msg.fields.redelivered);
    const weight = reading.ok && this.options.itemsOf ? this.options.itemsOf(reading.payload) : 1;
    this.assembler.add(entry, Date.now(), suspect, weight);
    this.schedule();
  }

  /**
   * Flushes what is sealed, and arms the timer of the open batch. While a flush runs, a batch that
   * is due stays open and goes on filling (up to maxBatch): it could not be flushed sooner anyway,
   * and under load the batches grow instead of queueing up small behind the flush.
   */
  private schedule(): void {
    if (this.assembler.hasSealed) this.kick();
    const due = this.assembler.msUntilDue(Date.now());
    if (due === undefined || this.timer || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.flushing) this.assembler.sealIfDue(Date.now());
      this.schedule();
    }, due);
  }

  /** Starts the flush loop unless it runs already: one batch at a time. */
  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flushSealed().finally(() => {
      this.flushing = undefined;
      this.assembler.sealIfDue(Date.now());
      this.schedule();
    });
  }

  private async flushSealed(): Promise<void> {
    for (let batch = this.assembler.takeSealed(); batch; batch = this.assembler.takeSealed()) {
      try {
        await this.flush(batch);
      } catch (e) {
        this.logger.error({ msg: 'batch flush failed unexpectedly', queue: this.options.queue, error: (e as Error).message });
      }
    }
  }

  private async flush(batch: Entry<T>[]): Promise<void> {
    const channel = batch[0].channel;
    // Its channel is gone: the broker has taken these messages back and will deliver them again.
    if (channel !== this.channel) return;
    const started = process.hrtime.bigint();
    const valid: { entry: Entry<T>; payload: T }[] = [];
    const dead: DeadLetter<T>[] = [];
    // A whole message is parked once, however many reasons it was refused for.
    const park = (d: DeadLetter<T>) => {
      if (d.part || !dead.some((x) => x.entry === d.entry && !x.part)) dead.push(d);
    };
    for (const entry of batch) {
      if (entry.reading.ok) valid.push({ entry, payload: entry.reading.payload });
      else park({ entry, reason: entry.reading.reason });
    }
    this.batchSize?.observe({ queue: this.options.queue }, batch.length);

    for (;;) {
      try {
        const items = valid.map(({ entry, payload }) => ({
          payload,
          messageId: entry.messageId,
          headers: (entry.msg.properties.headers ?? {}) as Record<string, unknown>,
        }));
        const outcome = items.length > 0 ? await this.options.handler(items) : undefined;
        const rejections = outcome?.rejected ?? [];
        const byId = rejections.length > 0 ? new Map(valid.map(({ entry }) => [entry.messageId, entry])) : undefined;
        for (const { messageId, reason, part } of rejections) {
          const entry = byId?.get(messageId);
          if (entry) park({ entry, reason, part });
        }
        this.consecutiveFailures = 0;
        break;
      } catch (e) {
        this.consecutiveFailures++;
        const error = e instanceof Error ? e.message : String(e);
        const decision = decideOnBatchFailure(
          {
            size: valid.length,
            attempt: Math.max(...valid.map(({ entry }) => entry.attempt)),
            transient: this.options.isTransient?.(e) ?? false,
            consecutiveFailures: this.consecutiveFailures,
            error,
          },
          this.retry,
        );
        const queue = this.options.queue;
        if (decision.action === 'dead') {
          park({ entry: valid[0].entry, reason: decision.reason });
          break;
        }
        this.logger.warn({ msg: 'batch failed', queue, size: valid.length, action: decision.action, retry_in_ms: decision.delayMs, error });
        await this.sleep(decision.delayMs);
        // The channel went away meanwhile: the broker has the batch back already.
        if (channel !== this.channel) return;
        if (decision.action === 'requeue' || this.stopping) {
          this.settle(channel, batch, 'requeued', started);
          return;
        }
      }
    }

    try {
      await Promise.all(dead.map((d) => this.deadLetter(d)));
    } catch (e) {
      // Not parked, so not acked: everything comes back (the handler is idempotent).
      this.logger.warn({ msg: 'could not dead-letter, requeueing the batch', queue: this.options.queue, error: (e as Error).message });
      this.settle(channel, batch, 'requeued', started);
      return;
    }
    this.settle(channel, batch, 'ok', started, dead.filter((d) => !d.part).length, dead.filter((d) => d.part).length);
  }

  /** One multiple-ack (or multiple-nack with requeue) up to the last message of the batch. */
  private settle(channel: Channel, batch: Entry<T>[], outcome: 'ok' | 'requeued', started: bigint, deadCount = 0, deadParts = 0): void {
    const last = batch[batch.length - 1].msg;
    const queue = this.options.queue;
    try {
      if (outcome === 'ok') channel.ack(last, true);
      else channel.nack(last, true, true);
    } catch (e) {
      // The channel closed under us: the broker redelivers the batch, and applying it again is harmless.
      this.logger.warn({ msg: 'could not settle a batch, it will be delivered again', queue, error: (e as Error).message });
      return;
    }
    this.flushDuration?.observe({ queue, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    if (outcome === 'ok') {
      this.messages?.inc({ queue, outcome: 'ok' }, batch.length - deadCount);
      if (deadCount > 0) this.messages?.inc({ queue, outcome: 'dead' }, deadCount);
      if (deadParts > 0) this.messages?.inc({ queue, outcome: 'dead_part' }, deadParts);
    } else {
      this.messages?.inc({ queue, outcome: 'requeued' }, batch.length);
    }
  }

  private async deadLetter({ entry, reason, part }: DeadLetter<T>): Promise<void> {
    const { msg } = entry;
    const queue = this.options.queue;
    if (part) {
      await publishDeadLetter(this.deadLetters, this.options.names, queue, msg, reason, entry.attempt, part.messageId, part.content);
      this.logger.error({ msg: 'part of a message dead-lettered', queue, message_id: part.messageId, carried_by: entry.messageId, reason, attempt: entry.attempt });
      return;
    }
    await publishDeadLetter(this.deadLetters, this.options.names, queue, msg, reason, entry.attempt, entry.messageId);
    this.logger.error({ msg: 'message dead-lettered', queue, message_id: entry.messageId, reason, attempt: entry.attempt });
  }

  /** A backoff that stop() cuts short. */
  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        if (this.wakeSleeper === wake) this.wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakeSleeper = wake;
    });
  }

  /**
   * Graceful stop: no new deliveries, flush what was received (commit and ack), then close the
   * channel; whatever is still unacked then goes back to the queue.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.wakeSleeper?.();
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    this.assembler.sealAll();
    this.kick();
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([this.flushing, new Promise((r) => (drainTimer = setTimeout(r, this.options.drainTimeoutMs ?? 10000)))]);
    clearTimeout(drainTimer);
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
  }
}
