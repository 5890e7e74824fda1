import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { CommonErrorCode, ErrorBody } from '@proctor/contracts';
import { MetricsService, RequestContext } from '@proctor/observability';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import { AmqpConnection } from '../connection/amqp-connection';
import { decideOnFailure, RetryPolicy, brokerDeliveryLimit } from '../consuming/retry-policy';
import { publishDeadLetter } from '../consuming/dead-letter';
import { ConfirmPublisher } from '../publishing/confirm-publisher';
import { MessageHeader, RpcReply } from '../rpc/rpc-wire';
import { BrokerNames } from '../topology/broker-names';
import { declareDurableQueue, declareExchanges } from '../topology/declare-topology';
import { AmqpContext } from './amqp-context';
import { BatchedAcks } from './batched-acks';
import { toErrorBody } from './error-body';

export interface AmqpTransportOptions {
  service: string;
  connection: AmqpConnection;
  names: BrokerNames;
  rpcPrefetch: number;
  eventPrefetch: number;
  retry: RetryPolicy;
  metrics?: MetricsService;
  /** How long close() waits for handlers in flight before giving up on them. */
  drainTimeoutMs?: number;
}

class Failure extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
  }
}

/**
 * A Nest microservice transport over amqplib, for what the built-in RMQ transport does not do:
 * `@MessagePattern` handlers serve `<service>.rpc` (bound to `proctor.rpc` by pattern) and
 * answer by direct reply-to; `@EventPattern` handlers consume the durable quorum queue
 * `<service>.events` (bound to `proctor.events`), ack only once the handler has finished (its work
 * committed), retry failures with backoff and dead-letter to `<queue>.dead` with the reason.
 */
export class AmqpTransport extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger('AmqpTransport');
  private readonly deadLetters: ConfirmPublisher;
  private readonly consumers: { channel: Channel; tag: string; acks?: BatchedAcks }[] = [];
  private inFlight = 0;
  private idle?: () => void;
  private stopping = false;
  private readonly rpcLatency;
  private readonly eventsConsumed;

  constructor(private readonly options: AmqpTransportOptions) {
    super();
    this.deadLetters = new ConfirmPublisher(options.connection);
    this.rpcLatency = options.metrics?.histogram('proctor_rpc_server_duration_seconds', 'RPC requests served, by pattern and outcome', ['pattern', 'outcome']);
    this.eventsConsumed = options.metrics?.counter('proctor_events_consumed_total', 'Event deliveries handled, by pattern and outcome (ok, retried, dead)', [
      'pattern',
      'outcome',
    ]);
  }

  listen(callback: (...args: unknown[]) => void): void {
    this.start().then(
      () => callback(),
      (e: unknown) => callback(e),
    );
  }

  private async start(): Promise<void> {
    await this.deadLetters.start();
    await this.options.connection.onConnected((conn) => this.setup(conn));
    await this.options.connection.connect();
  }

  private handlersOf(kind: 'rpc' | 'event'): string[] {
    return [...this.messageHandlers.entries()].filter(([, h]) => h.isEventHandler === (kind === 'event')).map(([p]) => p);
  }

  private async setup(conn: ChannelModel): Promise<void> {
    if (this.stopping) return;
    const { names, service } = this.options;
    this.consumers.length = 0;

    // Replies go to direct reply-to, which queues nothing: a confirm would add a frame and no safety.
    const rpcChannel = await this.openChannel(conn, 'plain');
    await declareExchanges(rpcChannel, names);
    const rpcPatterns = this.handlersOf('rpc');
    if (rpcPatterns.length > 0) {
      // Requests are short-lived and carry their deadline as expiration: a durable classic queue
      // is enough, and spares every call the replication cost of a quorum queue.
      const queue = names.rpcQueue(service);
      await rpcChannel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
      for (const pattern of rpcPatterns) await rpcChannel.bindQueue(queue, names.rpcExchange, pattern);
      await rpcChannel.prefetch(this.options.rpcPrefetch);
      const acks = new BatchedAcks(rpcChannel);
      const { consumerTag } = await rpcChannel.consume(queue, (msg) => {
        if (!msg) return;
        acks.received(msg);
        void this.track(() => this.onRequest(rpcChannel, acks, msg));
      });
      this.consumers.push({ channel: rpcChannel, tag: consumerTag, acks });
    }

    const eventPatterns = this.handlersOf('event');
    if (eventPatterns.length > 0) {
      const eventChannel = await this.openChannel(conn, 'confirm');
      const queue = names.eventsQueue(service);
      await declareDurableQueue(eventChannel, names, queue, brokerDeliveryLimit(this.options.retry));
      for (const pattern of eventPatterns) await eventChannel.bindQueue(queue, names.eventsExchange, pattern);
      await eventChannel.prefetch(this.options.eventPrefetch);
      const { consumerTag } = await eventChannel.consume(queue, (msg) => msg && this.track(() => this.onEvent(eventChannel, queue, msg)));
      this.consumers.push({ channel: eventChannel, tag: consumerTag });
    }
    this.logger.log({ msg: 'consuming', service, rpc_patterns: rpcPatterns.length, event_patterns: eventPatterns });
  }

  /**
   * A consuming channel that the broker closes on its own (a channel-level error) would stop this
   * service from consuming while it still looks connected: recycle the connection instead, so that
   * every consumer is set up again.
   */
  private async openChannel(conn: ChannelModel, kind: 'plain' | 'confirm'): Promise<Channel> {
    const channel = kind === 'confirm' ? await conn.createConfirmChannel() : await conn.createChannel();
    channel.on('error', (e: Error) => this.logger.warn({ msg: 'channel error', error: e.message }));
    channel.on('close', () => {
      if (!this.stopping && this.options.connection.isCurrent(conn)) void this.options.connection.recycle('a consuming channel closed');
    });
    return channel;
  }

  private metaOf(msg: ConsumeMessage) {
    const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
    const redeliveries = Number(headers['x-delivery-count'] ?? 0) || 0;
    return {
      pattern: msg.fields.routingKey,
      messageId: (msg.properties.messageId as string | undefined) ?? randomUUID(),
      requestId: (headers[MessageHeader.RequestId] as string | undefined) ?? randomUUID(),
      attempt: redeliveries + 1,
      headers,
    };
  }

  /** Runs the handler bound to the message's pattern; resolves with its result or rejects with a Failure. */
  private async invoke(msg: ConsumeMessage, handler: MessageHandler | null): Promise<unknown> {
    const meta = this.metaOf(msg);
    if (!handler) {
      throw new Failure({ code: CommonErrorCode.NotFound, message: `no handler for ${meta.pattern}`, details: { handler: 'none' } });
    }
    let payload: unknown;
    try {
      payload = JSON.parse(msg.content.toString('utf8'));
    } catch {
      throw new Failure({ code: CommonErrorCode.ValidationFailed, message: 'payload is not JSON' });
    }
    return RequestContext.run({ requestId: meta.requestId, messageId: meta.messageId }, async () => {
      try {
        return await lastValueFrom(this.transformToObservable(await handler(payload, new AmqpContext([meta]))), { defaultValue: undefined });
      } catch (e) {
        const { body, expected } = toErrorBody(e);
        if (!expected) this.logger.error({ msg: 'handler failed', pattern: meta.pattern, error: e instanceof Error ? e.stack : String(e) });
        throw new Failure(body);
      }
    });
  }

  private async onRequest(channel: Channel, acks: BatchedAcks, msg: ConsumeMessage): Promise<void> {
    try {
      await this.serveRequest(channel, msg);
    } finally {
      // Whatever happened, this delivery must not hold back the acks of those after it.
      acks.done(msg);
    }
  }

  private async serveRequest(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const started = process.hrtime.bigint();
    const pattern = msg.fields.routingKey;
    const deadline = Number((msg.properties.headers ?? {})[MessageHeader.Deadline]);
    if (deadline && deadline < Date.now()) {
      // The caller has given up; serving it would only waste work.
      this.rpcLatency?.observe({ pattern, outcome: 'expired' }, 0);
      return;
    }
    let reply: RpcReply;
    try {
      // A direct lookup: Nest's getHandlerByPattern throws and catches on every call.
      const handler = this.messageHandlers.get(pattern);
      reply = { ok: true, data: (await this.invoke(msg, handler && !handler.isEventHandler ? handler : null)) ?? null };
    } catch (e) {
      reply = { ok: false, error: e instanceof Failure ? e.body : { code: CommonErrorCode.Internal, message: 'internal error' } };
    }
    if (msg.properties.replyTo) {
      channel.sendToQueue(msg.properties.replyTo as string, Buffer.from(JSON.stringify(reply)), {
        correlationId: msg.properties.correlationId as string,
        contentType: 'application/json',
      });
    }
    this.rpcLatency?.observe({ pattern, outcome: reply.ok ? 'ok' : reply.error.code }, Number(process.hrtime.bigint() - started) / 1e9);
  }

  private async onEvent(channel: Channel, queue: string, msg: ConsumeMessage): Promise<void> {
    const pattern = msg.fields.routingKey;
    const handler = this.eventHandlerFor(pattern);
    try {
      await this.invoke(msg, handler);
      channel.ack(msg);
      this.eventsConsumed?.inc({ pattern, outcome: 'ok' });
      return;
    } catch (e) {
      const body = e instanceof Failure ? e.body : { code: CommonErrorCode.Internal, message: String(e) };
      const attempt = this.metaOf(msg).attempt;
      const decision = decideOnFailure(body, attempt, this.options.retry);
      if (decision.action === 'retry') {
        this.logger.warn({ msg: 'event handler failed, will retry', pattern, attempt, retry_in_ms: decision.delayMs, error: body });
        this.eventsConsumed?.inc({ pattern, outcome: 'retried' });
        // Held while waiting (it counts against prefetch), then requeued: other messages keep flowing.
        await new Promise((r) => setTimeout(r, decision.delayMs));
        channel.nack(msg, false, true);
        return;
      }
      await this.deadLetter(channel, queue, msg, decision.reason, attempt);
    }
  }

  private async deadLetter(channel: Channel, queue: string, msg: ConsumeMessage, reason: string, attempt: number): Promise<void> {
    const pattern = msg.fields.routingKey;
    try {
      await publishDeadLetter(this.deadLetters, this.options.names, queue, msg, reason, attempt);
      channel.ack(msg);
      this.eventsConsumed?.inc({ pattern, outcome: 'dead' });
      this.logger.error({ msg: 'message dead-lettered', queue, pattern, reason, attempt });
    } catch (e) {
      // Could not park it: hand it back so that it is neither lost nor acked.
      this.logger.warn({ msg: 'could not dead-letter, requeueing', pattern, error: (e as Error).message });
      channel.nack(msg, false, true);
    }
  }

  /** Exact pattern first, then topic wildcards (`agents.agent.*`, `#`). */
  private eventHandlerFor(routingKey: string): MessageHandler | null {
    const exact = this.messageHandlers.get(routingKey);
    if (exact?.isEventHandler) return exact;
    for (const [pattern, handler] of this.messageHandlers) {
      if (handler.isEventHandler && topicMatches(pattern, routingKey)) return handler;
    }
    return null;
  }

  private async track(work: () => Promise<void>): Promise<void> {
    this.inFlight++;
    try {
      await work();
    } catch (e) {
      this.logger.error({ msg: 'message handling failed', error: (e as Error).message });
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.idle?.();
    }
  }

  /** Graceful stop: no new deliveries, wait for those in flight, then close the channels. */
  async close(): Promise<void> {
    this.stopping = true;
    for (const { channel, tag } of this.consumers) await channel.cancel(tag).catch(() => undefined);
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>((r) => (this.idle = r)),
        new Promise((r) => setTimeout(r, this.options.drainTimeoutMs ?? 10000)),
      ]);
    }
    for (const { channel, acks } of this.consumers) {
      // Closing a channel hands its unacked deliveries back: the requests served must be acked first.
      acks?.flush();
      await channel.close().catch(() => undefined);
    }
    this.consumers.length = 0;
  }

  on(): void {
    throw new Error('AmqpTransport emits no events');
  }

  unwrap<T>(): T {
    return this.options.connection as T;
  }
}

/** AMQP topic matching: `*` is one word, `#` zero or more. */
export function topicMatches(pattern: string, key: string): boolean {
  const p = pattern.split('.');
  const k = key.split('.');
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === k.length;
    if (p[i] === '#') return match(i + 1, j) || (j < k.length && match(i, j + 1));
    if (j === k.length) return false;
    return (p[i] === '*' || p[i] === k[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}
