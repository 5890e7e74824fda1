import { Logger, OnModuleInit } from '@nestjs/common';
import { CommonErrorCode, JobFinishedEvent, jobLogRoutingKey, JobsEvent, ProctorError } from '@proctor/contracts';
import { AmqpConnection, BrokerNames, declareExchanges } from '@proctor/messaging';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { LiveChunk, readFinishedEvent, readLogMessage } from './live-log-message';

const CHANNEL_REOPEN_DELAY_MS = 250;

/** One SSE stream of a job, as the feed sees it. Called synchronously, in the order messages came. */
export interface LiveLogSubscriber {
  onChunk(live: LiveChunk): void;
  onFinished(event: JobFinishedEvent): void;
  /** The feed's queue was lost and declared again: what came meanwhile was missed; read the store. */
  onResync(): void;
}

/**
 * The live half of log streams, one per gateway process: one channel and one exclusive,
 * auto-delete, server-named queue. It binds `job.<id>` on `proctor.logs` while a job has SSE
 * clients (the first subscribes: bind; the last leaves: unbind) and `jobs.job.finished` on
 * `proctor.events` always. After a reconnect it declares a new queue, binds again what is
 * watched, and tells every subscriber to resync. Messages are taken without acks: a chunk this
 * gateway misses is in the jobs service's store, and streams fill gaps from there.
 */
export class JobLogFeed implements OnModuleInit {
  private readonly logger = new Logger('JobLogFeed');
  private readonly subscribers = new Map<string, Set<LiveLogSubscriber>>();
  private channel?: Channel;
  private queue?: string;
  private opened = false;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly names: BrokerNames,
  ) {}

  onModuleInit(): Promise<void> {
    return this.connection.onConnected((conn) => this.open(conn));
  }

  /** Number of jobs being watched (bound on the queue). */
  get watchedJobs(): number {
    return this.subscribers.size;
  }

  /**
   * Adds a subscriber; resolves once its job's chunks reach it (the binding is in place), with
   * the function that removes it. Not connected to the broker: 503, at once.
   */
  async subscribe(jobId: string, subscriber: LiveLogSubscriber): Promise<() => void> {
    const { channel, queue } = this.ready();
    let set = this.subscribers.get(jobId);
    const first = set === undefined;
    if (!set) this.subscribers.set(jobId, (set = new Set()));
    set.add(subscriber);
    const unsubscribe = () => this.unsubscribe(jobId, subscriber);
    try {
      // amqplib runs a channel's operations in the order asked: a later unbind comes after this bind.
      if (first) await channel.bindQueue(queue, this.names.logsExchange, jobLogRoutingKey(jobId));
    } catch (e) {
      unsubscribe();
      throw new ProctorError(CommonErrorCode.ServiceUnavailable, `could not follow the job's log: ${(e as Error).message}`);
    }
    return unsubscribe;
  }

  private unsubscribe(jobId: string, subscriber: LiveLogSubscriber): void {
    const set = this.subscribers.get(jobId);
    if (!set?.delete(subscriber) || set.size > 0) return;
    this.subscribers.delete(jobId);
    const { channel, queue } = this;
    if (!channel || !queue) return;
    channel.unbindQueue(queue, this.names.logsExchange, jobLogRoutingKey(jobId)).catch((e: Error) => {
      this.logger.warn({ msg: 'could not unbind a job log', job_id: jobId, error: e.message });
    });
  }

  private ready(): { channel: Channel; queue: string } {
    if (!this.channel || !this.queue) throw new ProctorError(CommonErrorCode.ServiceUnavailable, 'live logs are not available: not connected to the broker');
    return { channel: this.channel, queue: this.queue };
  }

  private async open(conn: ChannelModel): Promise<void> {
    const channel = await conn.createChannel();
    channel.on('error', (e: Error) => this.logger.warn({ msg: 'live log channel error', error: e.message }));
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = undefined;
      this.queue = undefined;
      // A channel-level error leaves the connection up: open another channel on it.
      if (this.connection.isCurrent(conn)) setTimeout(() => void this.open(conn).catch((e: Error) => this.logger.warn({ msg: 'could not reopen the live log channel', error: e.message })), CHANNEL_REOPEN_DELAY_MS);
    });
    await declareExchanges(channel, this.names);
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(queue, this.names.eventsExchange, JobsEvent.Finished);
    for (const jobId of this.subscribers.keys()) await channel.bindQueue(queue, this.names.logsExchange, jobLogRoutingKey(jobId));
    await channel.consume(queue, (msg) => msg && this.deliver(msg), { noAck: true, exclusive: true });
    this.channel = channel;
    this.queue = queue;
    if (this.opened) {
      this.logger.log({ msg: 'live log feed restored', watched_jobs: this.subscribers.size });
      for (const set of [...this.subscribers.values()]) for (const subscriber of [...set]) subscriber.onResync();
    }
    this.opened = true;
  }

  private deliver(msg: ConsumeMessage): void {
    let payload: unknown;
    try {
      payload = JSON.parse(msg.content.toString('utf8'));
    } catch {
      this.logger.warn({ msg: 'unreadable live message dropped', routing_key: msg.fields.routingKey });
      return;
    }
    if (msg.fields.exchange === this.names.eventsExchange) {
      const event = readFinishedEvent(payload);
      if (!event) return void this.logger.warn({ msg: 'malformed finished event dropped', routing_key: msg.fields.routingKey });
      for (const subscriber of [...(this.subscribers.get(event.job_id) ?? [])]) subscriber.onFinished(event);
      return;
    }
    const chunk = readLogMessage(payload);
    if (!chunk) return void this.logger.warn({ msg: 'malformed log chunk dropped', routing_key: msg.fields.routingKey });
    const set = this.subscribers.get(chunk.job_id);
    if (!set) return;
    const live = new LiveChunk(chunk);
    for (const subscriber of [...set]) subscriber.onChunk(live);
  }
}
