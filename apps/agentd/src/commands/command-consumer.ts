import { AmqpConnection } from '@proctor/messaging';
import { JsonLogger } from '@proctor/observability';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { DaemonCommand, parseAgentCommand } from './agent-command';

/** What the handler does with the delivery of its command: exactly one of these, once. */
export interface Delivery {
  ack(): void;
  /** Back on the queue, for this daemon later or another delivery. */
  requeue(): void;
}

export type CommandHandler = (command: DaemonCommand, delivery: Delivery) => Promise<void>;

export interface CommandConsumerOptions {
  connection: AmqpConnection;
  queue: string;
  /** Small: commands are acked as soon as they are accepted, so more in hand only delays a requeue at drain. */
  prefetch: number;
  handler: CommandHandler;
  logger: JsonLogger;
  onConsuming(): void;
  onNotConsuming(): void;
  /** The broker does not have the queue: the agents service declares it when the daemon registers. */
  onQueueMissing(): void;
  /** Between attempts to subscribe again after a failure on a live connection. */
  resubscribeDelayMs?: number;
}

const CONTEXT = 'Commands';

/**
 * Consumes the agent's own queue, one command at a time in queue order (a `cancel` right behind
 * its `run` must find the task held). The queue belongs to the agents service: it is only checked
 * (passively), never declared here, so its arguments stay the service's, and the daemon's broker
 * user needs no configure permission. A malformed command is dead-lettered with a log line.
 */
export class CommandConsumer {
  private channel?: Channel;
  private lastConnection?: ChannelModel;
  private subscribing = false;
  private stopped = false;
  private chain: Promise<void> = Promise.resolve();
  private retryTimer?: NodeJS.Timeout;
  private queue: string;

  constructor(private readonly options: CommandConsumerOptions) {
    this.queue = options.queue;
  }

  async start(): Promise<void> {
    this.options.connection.onLost(() => this.markNotConsuming());
    await this.options.connection.onConnected(async (connection) => {
      this.lastConnection = connection;
      // Never throw from here: a failed setup would make the connection reconnect in a loop,
      // and publishing reports would stop with it.
      await this.subscribe(connection);
    });
  }

  get consuming(): boolean {
    return this.channel !== undefined;
  }

  /** Subscribes again on the live connection, to `queue` if it changed (after a new registration). */
  async resubscribe(queue?: string): Promise<void> {
    if (queue && queue !== this.queue) {
      this.queue = queue;
      await this.closeChannel();
    }
    const connection = this.lastConnection;
    if (connection && this.options.connection.isCurrent(connection)) await this.subscribe(connection);
  }

  /** Stops taking commands: those not yet handled go back to the queue; resolves after the one in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.chain;
    await this.closeChannel();
  }

  private async subscribe(connection: ChannelModel): Promise<void> {
    if (this.stopped || this.channel || this.subscribing) return;
    this.subscribing = true;
    const { logger } = this.options;
    let channel: Channel | undefined;
    try {
      channel = await connection.createChannel();
      channel.on('error', () => undefined);
      try {
        await channel.checkQueue(this.queue);
      } catch (e) {
        logger.warn({ msg: 'agent queue missing on the broker', queue: this.queue, error: (e as Error).message }, CONTEXT);
        channel = undefined;
        this.options.onQueueMissing();
        this.retryLater(connection);
        return;
      }
      const subscribed = channel;
      subscribed.on('close', () => this.channelClosed(subscribed, connection));
      await subscribed.prefetch(this.options.prefetch);
      await subscribed.consume(this.queue, (msg) => this.receive(subscribed, connection, msg), { noAck: false });
      if (this.stopped) {
        await subscribed.close().catch(() => undefined);
        return;
      }
      this.channel = subscribed;
      logger.log({ msg: 'consuming the agent queue', queue: this.queue, prefetch: this.options.prefetch }, CONTEXT);
      this.options.onConsuming();
    } catch (e) {
      logger.warn({ msg: 'could not consume the agent queue', queue: this.queue, error: (e as Error).message }, CONTEXT);
      await channel?.close().catch(() => undefined);
      this.retryLater(connection);
    } finally {
      this.subscribing = false;
    }
  }

  private retryLater(connection: ChannelModel): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.options.connection.isCurrent(connection)) void this.subscribe(connection);
    }, this.options.resubscribeDelayMs ?? 5000);
  }

  private channelClosed(channel: Channel, connection: ChannelModel): void {
    if (this.channel !== channel) return;
    this.markNotConsuming();
    // Closed by the broker while the connection lives (the queue deleted, a consumer timeout):
    // subscribe again rather than look connected while consuming nothing.
    if (!this.stopped && this.options.connection.isCurrent(connection)) {
      this.options.logger.warn({ msg: 'the broker closed the agent queue channel, subscribing again', queue: this.queue }, CONTEXT);
      this.retryLater(connection);
    }
  }

  private markNotConsuming(): void {
    if (!this.channel) return;
    this.channel = undefined;
    this.options.onNotConsuming();
  }

  private receive(channel: Channel, connection: ChannelModel, msg: ConsumeMessage | null): void {
    if (msg === null) {
      // The broker cancelled the consumer (its queue was deleted).
      this.channelClosed(channel, connection);
      void channel.close().catch(() => undefined);
      return;
    }
    this.chain = this.chain.then(() => this.handle(channel, msg));
  }

  private async handle(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const { logger } = this.options;
    const settle = (what: string, act: () => void) => {
      try {
        act();
      } catch (e) {
        // The channel is gone: the broker redelivers the command on the next one, where it is
        // recognised as a task already held.
        logger.warn({ msg: `could not ${what} a command`, error: (e as Error).message }, CONTEXT);
      }
    };
    if (this.stopped) return settle('requeue', () => channel.nack(msg, false, true));
    const parsed = parseAgentCommand(msg.content);
    if (!parsed.ok) {
      logger.error({ msg: 'malformed command dead-lettered', error: parsed.error, message_id: msg.properties.messageId ?? null }, CONTEXT);
      return settle('dead-letter', () => channel.nack(msg, false, false));
    }
    let settled = false;
    const once = (what: string, act: () => void) => {
      if (settled) return;
      settled = true;
      settle(what, act);
    };
    const delivery: Delivery = {
      ack: () => once('ack', () => channel.ack(msg)),
      requeue: () => once('requeue', () => channel.nack(msg, false, true)),
    };
    try {
      await this.options.handler(parsed.command, delivery);
    } catch (e) {
      logger.error({ msg: 'command handler failed, command requeued', command: parsed.command.command, error: (e as Error).message }, CONTEXT);
      delivery.requeue();
    }
  }

  private async closeChannel(): Promise<void> {
    const channel = this.channel;
    this.markNotConsuming();
    // Closing the channel hands back whatever was delivered and not acked.
    await channel?.close().catch(() => undefined);
  }
}
