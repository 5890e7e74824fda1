import { Logger } from '@nestjs/common';
import { MetricsService } from '@proctor/observability';
import { outboxChannel, OutboxMessage } from '@proctor/persistence';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AmqpConnection } from '../connection/amqp-connection';
import { backoffDelay } from '../connection/backoff';
import { ConfirmPublisher } from '../publishing/confirm-publisher';
import { BrokerNames } from '../topology/broker-names';
import { declareExchanges } from '../topology/declare-topology';

export interface OutboxRelayOptions {
  schema: string;
  databaseUrl: string;
  batchSize?: number;
  /** The poll that backs up NOTIFY (a missed notification, a relay that was down). */
  pollIntervalMs?: number;
}

/**
 * Publishes committed outbox rows to `proctor.events`. A batch is claimed with FOR UPDATE SKIP
 * LOCKED (so replicas share the work and a row committed out of order is never skipped), published
 * with confirms, and marked sent in the same transaction only after the broker confirmed: a crash
 * in between republishes (consumers de-duplicate by message id), never loses. Rows that fail wait
 * with a backoff of their own, so one bad event does not hold up the others.
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private readonly published;
  private readonly failed;
  private readonly publisher: ConfirmPublisher;

  constructor(
    private readonly dataSource: DataSource,
    connection: AmqpConnection,
    private readonly names: BrokerNames,
    private readonly options: OutboxRelayOptions,
    metrics?: MetricsService,
  ) {
    this.published = metrics?.counter('proctor_outbox_published_total', 'Outbox events published and confirmed', ['routing_key']);
    this.failed = metrics?.counter('proctor_outbox_publish_failures_total', 'Outbox publish attempts that failed', ['reason']);
    // A fresh channel (first connect, or after an outage) wakes the relay for what waited meanwhile.
    this.publisher = new ConfirmPublisher(connection, async (channel) => {
      await declareExchanges(channel, names);
      this.wake();
    });
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.publisher.start();
    await this.listen();
    this.schedule(0);
  }

  /** Wakes the relay now (a service that has just committed an event in this process). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private async listen(): Promise<void> {
    try {
      const client = new Client({ connectionString: this.options.databaseUrl, application_name: `outbox-relay:${this.options.schema}` });
      client.on('error', () => undefined);
      client.on('end', () => {
        this.listener = undefined;
        if (!this.stopped) setTimeout(() => void this.listen(), 1000);
      });
      await client.connect();
      await client.query(`LISTEN ${outboxChannel(this.options.schema)}`);
      client.on('notification', () => this.wake());
      this.listener = client;
    } catch (e) {
      this.logger.warn({ msg: 'cannot LISTEN for outbox events; polling only', error: (e as Error).message });
      if (!this.stopped) setTimeout(() => void this.listen(), 2000);
    }
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = this.drain();
    await this.running;
    this.running = undefined;
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.schedule(0);
    } else {
      this.schedule(this.options.pollIntervalMs ?? 1000);
    }
  }

  /** Publishes batches until none is left or the broker is unavailable. */
  private async drain(): Promise<void> {
    try {
      while (!this.stopped && this.publisher.ready) {
        const sent = await this.publishBatch();
        if (sent < (this.options.batchSize ?? 100)) return;
      }
    } catch (e) {
      this.logger.warn({ msg: 'outbox relay pass failed', error: (e as Error).message });
    }
  }

  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxMessage[] = await manager.query(
        `SELECT id, message_id, routing_key, payload, headers, attempts FROM outbox
          WHERE sent_at IS NULL AND next_attempt_at <= now()
          ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize ?? 100],
      );
      if (rows.length === 0) return 0;
      const results = await Promise.allSettled(
        rows.map((row) =>
          this.publisher.publish(this.names.eventsExchange, row.routing_key, Buffer.from(JSON.stringify(row.payload)), {
            messageId: row.message_id,
            persistent: true,
            contentType: 'application/json',
            type: row.routing_key,
            timestamp: Math.floor(Date.now() / 1000),
            headers: row.headers,
          }),
        ),
      );
      const sent = rows.filter((_, i) => results[i].status === 'fulfilled');
      if (sent.length > 0) {
        await manager.query(`UPDATE outbox SET sent_at = now(), last_error = NULL WHERE id = ANY($1::bigint[])`, [sent.map((r) => r.id)]);
        for (const row of sent) this.published?.inc({ routing_key: row.routing_key });
      }
      for (const [i, result] of results.entries()) {
        if (result.status === 'fulfilled') continue;
        const row = rows[i];
        const reason = (result.reason as { reason?: string }).reason ?? 'error';
        // The broker went away mid-batch: the row is not at fault, it goes out on reconnect.
        if (reason === 'not_connected' || reason === 'channel_closed') continue;
        const error = (result.reason as Error).message;
        const delay = backoffDelay(row.attempts, 500, 60000);
        await manager.query(
          `UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + ($3 || ' milliseconds')::interval WHERE id = $1`,
          [row.id, error, String(delay)],
        );
        this.failed?.inc({ reason });
        this.logger.warn({ msg: 'event not published, will retry', routing_key: row.routing_key, message_id: row.message_id, error, retry_in_ms: delay });
      }
      return rows.length;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }
}
