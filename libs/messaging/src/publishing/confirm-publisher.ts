import type { ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { AmqpConnection } from '../connection/amqp-connection';
import { PublishError } from './publish-errors';

const CHANNEL_REOPEN_DELAY_MS = 250;

export interface PublishOptions extends Options.Publish {
  messageId?: string;
}

/**
 * Publishes with confirms: a publish resolves only once the broker has taken responsibility for
 * the message. Every message is `mandatory`, so one that no queue (nor alternate exchange) takes
 * comes back and its publish fails instead of vanishing.
 */
export class ConfirmPublisher {
  private channel?: ConfirmChannel;
  private readonly returned = new Set<string>();
  private readonly inFlight = new Map<string, (e: Error) => void>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly onChannel?: (channel: ConfirmChannel) => Promise<void>,
  ) {}

  async start(): Promise<void> {
    await this.connection.onConnected((conn) => this.open(conn));
  }

  get ready(): boolean {
    return this.channel !== undefined;
  }

  private async open(conn: ChannelModel): Promise<void> {
    const channel = await conn.createConfirmChannel();
    channel.on('return', (msg: ConsumeMessage) => {
      if (msg.properties.messageId) this.returned.add(msg.properties.messageId);
    });
    channel.on('error', () => undefined);
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
      for (const fail of this.inFlight.values()) fail(new PublishError('channel closed before the broker confirmed', 'channel_closed'));
      this.inFlight.clear();
      // The broker closes a channel on a channel-level error (say, an exchange deleted under us);
      // the connection lives on, so open a new channel on it rather than stay unable to publish.
      if (this.connection.isCurrent(conn)) setTimeout(() => void this.open(conn).catch(() => undefined), CHANNEL_REOPEN_DELAY_MS);
    });
    if (this.onChannel) await this.onChannel(channel);
    this.channel = channel;
  }

  /** The underlying channel, for the few who also consume on it (direct reply-to needs that). */
  currentChannel(): ConfirmChannel | undefined {
    return this.channel;
  }

  publish(exchange: string, routingKey: string, body: Buffer, options: PublishOptions = {}): Promise<void> {
    const channel = this.channel;
    if (!channel) return Promise.reject(new PublishError('not connected to the broker', 'not_connected'));
    const messageId = options.messageId ?? randomUUID();
    return new Promise<void>((resolve, reject) => {
      const key = `${messageId}:${randomUUID()}`;
      this.inFlight.set(key, reject);
      const settle = (err: unknown) => {
        if (!this.inFlight.delete(key)) return;
        // A return arrives before the confirm of the same message.
        if (this.returned.delete(messageId)) reject(new PublishError(`no queue is bound for ${routingKey} on ${exchange}`, 'unroutable'));
        else if (err) reject(new PublishError(`broker refused the message: ${String(err)}`, 'nacked'));
        else resolve();
      };
      try {
        channel.publish(exchange, routingKey, body, { ...options, messageId, mandatory: true }, settle);
      } catch (e) {
        this.inFlight.delete(key);
        reject(new PublishError((e as Error).message, 'channel_closed'));
      }
    });
  }
}
