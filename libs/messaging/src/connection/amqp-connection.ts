import { Logger } from '@nestjs/common';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import { redactUrl } from '@proctor/observability';
import * as amqp from 'amqplib';
import { backoffDelay } from './backoff';
import { corkMuxPasses } from './corked-mux';

export type ConnectionSetup = (connection: amqp.ChannelModel) => Promise<void>;

export interface AmqpConnectionOptions {
  url: string;
  /** Names the connection in the broker's management UI. */
  name: string;
  heartbeatSeconds?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
}

/**
 * One broker connection that comes back by itself. Whoever needs channels registers a setup
 * callback; it runs on the first connect and again after every reconnect, so consumers and
 * publishers rebuild their channels without knowing that the broker went away. TCP no-delay is
 * always on: without it every hop pays ~20 ms of Nagle delay; the frames queued between two writes
 * go out together (`corkMuxPasses`).
 */
export class AmqpConnection {
  private readonly logger = new Logger('AmqpConnection');
  private connection?: amqp.ChannelModel;
  private readonly setups: ConnectionSetup[] = [];
  private readonly lostListeners: (() => void)[] = [];
  private closing = false;
  private connecting?: Promise<void>;
  private attempt = 0;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(private readonly options: AmqpConnectionOptions) {}

  get isConnected(): boolean {
    return this.connection !== undefined;
  }

  /** Whether this is still the live connection (not closed, not replaced by a reconnect). */
  isCurrent(connection: amqp.ChannelModel): boolean {
    return this.connection === connection;
  }

  /** Closes the connection so that it reconnects and every setup runs afresh. */
  async recycle(reason: string): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    this.logger.warn({ msg: 'recycling the broker connection', reason });
    await connection.close().catch(() => undefined);
  }

  /** Registers a setup; if already connected it runs now as well. */
  async onConnected(setup: ConnectionSetup): Promise<void> {
    this.setups.push(setup);
    if (this.connection) await setup(this.connection);
  }

  onLost(listener: () => void): void {
    this.lostListeners.push(listener);
  }

  /**
   * Runs `work` on a short-lived channel of the current connection (declaring or deleting a queue on
   * demand), closed afterwards. A channel error (a queue declared with other arguments) fails only this
   * channel. Not connected: a `service_unavailable` ProctorError, at once.
   */
  async withChannel<T>(work: (channel: amqp.Channel) => Promise<T>): Promise<T> {
    const connection = this.connection;
    if (!connection) throw new ProctorError(CommonErrorCode.ServiceUnavailable, 'not connected to the broker');
    const channel = await connection.createChannel();
    channel.on('error', (e: Error) => this.logger.warn({ msg: 'short-lived channel error', error: e.message }));
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** Resolves once connected and set up; retries with backoff until then (or until closed). */
  connect(): Promise<void> {
    if (this.connection) return Promise.resolve();
    this.closing = false;
    this.connecting ??= this.connectLoop().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connectLoop(): Promise<void> {
    while (!this.closing) {
      try {
        await this.open();
        return;
      } catch (e) {
        const delay = backoffDelay(this.attempt++, this.options.reconnectBaseMs ?? 200, this.options.reconnectMaxMs ?? 10000);
        this.logger.warn({
          msg: 'broker unreachable, retrying',
          url: redactUrl(this.options.url),
          error: (e as Error).message,
          retry_in_ms: delay,
        });
        await new Promise((r) => (this.reconnectTimer = setTimeout(r, delay)));
      }
    }
  }

  private async open(): Promise<void> {
    const url = new URL(this.options.url);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(this.options.heartbeatSeconds ?? 10));
    const connection = await amqp.connect(url.toString(), {
      noDelay: true,
      clientProperties: { connection_name: this.options.name },
    });
    if (this.closing) {
      // close() was called while this connect was under way: do not keep what it opened.
      await connection.close().catch(() => undefined);
      return;
    }
    if (!corkMuxPasses(connection)) this.logger.warn({ msg: 'amqplib internals changed: frames are written one by one' });
    connection.on('error', (e: Error) => this.logger.warn({ msg: 'broker connection error', error: e.message }));
    connection.on('close', () => this.handleClose(connection));
    try {
      for (const setup of this.setups) await setup(connection);
    } catch (e) {
      await connection.close().catch(() => undefined);
      throw e;
    }
    this.connection = connection;
    if (this.attempt > 0) this.logger.log({ msg: 'broker connection restored', after_attempts: this.attempt });
    this.attempt = 0;
  }

  private handleClose(connection: amqp.ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    for (const listener of this.lostListeners) listener();
    if (this.closing) return;
    this.logger.warn({ msg: 'broker connection lost, reconnecting' });
    void this.connect();
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await connection.close().catch(() => undefined);
  }
}
