import { Logger } from '@nestjs/common';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import { MetricsService, RequestContext } from '@proctor/observability';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { AmqpConnection } from '../connection/amqp-connection';
import { BrokerNames } from '../topology/broker-names';
import { declareExchanges } from '../topology/declare-topology';
import { DEFAULT_RPC_TIMEOUT_MS, MessageHeader, RpcReply } from './rpc-wire';

const REPLY_TO = 'amq.rabbitmq.reply-to';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface CallOptions {
  /** How long the caller waits; past it the call fails with `deadline_exceeded`. */
  timeoutMs?: number;
}

/**
 * Request/reply over `proctor.rpc` with RabbitMQ's direct reply-to: no reply queue to declare, one
 * hop each way. Every call has a deadline; it also travels as the message expiration, so a request
 * nobody picked up in time is dropped by the broker instead of being served to nobody.
 */
export class RpcClient {
  private readonly logger = new Logger('RpcClient');
  private readonly pending = new Map<string, Pending>();
  private channel?: Channel;
  private readonly latency;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly names: BrokerNames,
    metrics?: MetricsService,
  ) {
    connection.onLost(() => this.failAll(new ProctorError(CommonErrorCode.ServiceUnavailable, 'lost the broker connection while waiting for a reply')));
    this.latency = metrics?.histogram('proctor_rpc_client_duration_seconds', 'RPC calls made, by pattern and outcome', ['pattern', 'outcome']);
  }

  start(): Promise<void> {
    return this.connection.onConnected((conn) => this.open(conn));
  }

  get ready(): boolean {
    return this.channel !== undefined;
  }

  /**
   * A plain channel, not a confirm channel: a call already has an end-to-end acknowledgement (its
   * reply) and a deadline, and a broker confirm per request and per reply would cost a frame each
   * way while telling the caller nothing more. Requests are still `mandatory`: a pattern no queue is
   * bound for comes back at once as `service_unavailable`.
   */
  private async open(conn: ChannelModel): Promise<void> {
    const channel = await conn.createChannel();
    channel.on('error', () => undefined);
    channel.on('return', (msg: ConsumeMessage) => {
      const id = msg.properties.correlationId as string | undefined;
      if (id) this.settle(id, undefined, new ProctorError(CommonErrorCode.ServiceUnavailable, `no service is listening for ${msg.fields.routingKey}`, { pattern: msg.fields.routingKey }));
    });
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
      this.failAll(new ProctorError(CommonErrorCode.ServiceUnavailable, 'lost the broker channel while waiting for a reply'));
      // A channel-level error closes the channel but not the connection: open another on it.
      if (this.connection.isCurrent(conn)) setTimeout(() => void this.open(conn).catch(() => undefined), 250);
    });
    await declareExchanges(channel, this.names);
    await channel.consume(REPLY_TO, (msg) => msg && this.onReply(msg), { noAck: true });
    this.channel = channel;
  }

  async call<T>(pattern: string, payload: unknown, options: CallOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
    const correlationId = randomUUID();
    const started = process.hrtime.bigint();
    const requestId = RequestContext.requestId() ?? RequestContext.newRequestId();
    const observe = (outcome: string) =>
      this.latency?.observe({ pattern, outcome }, Number(process.hrtime.bigint() - started) / 1e9);

    const reply = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new ProctorError(CommonErrorCode.DeadlineExceeded, `${pattern} did not answer within ${timeoutMs} ms`, { pattern, timeout_ms: timeoutMs }));
      }, timeoutMs);
      this.pending.set(correlationId, { resolve, reject, timer });
    });

    const channel = this.channel;
    if (!channel) {
      this.settle(correlationId, undefined, new ProctorError(CommonErrorCode.ServiceUnavailable, 'not connected to the broker', { pattern }));
    } else {
      try {
        channel.publish(this.names.rpcExchange, pattern, Buffer.from(JSON.stringify(payload ?? {})), {
          correlationId,
          replyTo: REPLY_TO,
          expiration: String(timeoutMs),
          contentType: 'application/json',
          type: pattern,
          mandatory: true,
          headers: { [MessageHeader.RequestId]: requestId, [MessageHeader.Deadline]: Date.now() + timeoutMs },
        });
      } catch (e) {
        this.settle(correlationId, undefined, new ProctorError(CommonErrorCode.ServiceUnavailable, `could not send ${pattern}: ${(e as Error).message}`, { pattern }));
      }
    }

    try {
      const data = (await reply) as T;
      observe('ok');
      return data;
    } catch (e) {
      observe(e instanceof ProctorError ? e.code : 'error');
      throw e;
    }
  }

  private onReply(msg: ConsumeMessage): void {
    const id = msg.properties.correlationId as string | undefined;
    if (!id || !this.pending.has(id)) return; // a reply that arrived after its deadline
    let reply: RpcReply;
    try {
      reply = JSON.parse(msg.content.toString('utf8')) as RpcReply;
    } catch {
      this.settle(id, undefined, new ProctorError(CommonErrorCode.Internal, 'unreadable reply'));
      return;
    }
    if (reply.ok) this.settle(id, reply.data);
    else this.settle(id, undefined, ProctorError.fromBody(reply.error));
  }

  private settle(id: string, value: unknown, error?: Error): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(value);
  }

  private failAll(error: Error): void {
    if (this.pending.size > 0) this.logger.warn({ msg: 'failing calls in flight', count: this.pending.size, error: error.message });
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, error);
  }
}
