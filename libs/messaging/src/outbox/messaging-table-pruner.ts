import { MetricsService } from '@proctor/observability';
import { DataSource } from 'typeorm';
import { BackgroundLoop } from '../background/background-loop';

export interface MessagingTablePrunerOptions {
  /** MESSAGING_RETENTION_HOURS: how long sent outbox rows and inbox rows are kept. */
  retentionHours: number;
  intervalMs?: number;
  /** Rows deleted per statement: short transactions, no long lock on a busy table. */
  batchSize?: number;
}

const PRUNE_INTERVAL_MS = 10 * 60_000;
const BATCH_SIZE = 5000;

/**
 * Keeps a service's outbox and inbox from growing without bound. A sent outbox row is only history
 * once the broker confirmed it; an inbox row only matters while its message can still be delivered
 * again (retries and redeliveries come within minutes; the retention, days by default, also covers
 * a dead letter replayed by hand within it). Unsent outbox rows are never deleted. Batches use
 * SKIP LOCKED, so replicas pruning at once share the rows instead of waiting on each other.
 */
export class MessagingTablePruner {
  private readonly loop: BackgroundLoop;
  private readonly pruned;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: MessagingTablePrunerOptions,
    metrics?: MetricsService,
  ) {
    this.loop = new BackgroundLoop('MessagingTablePruner', () => this.pruneAll().then(() => undefined), options.intervalMs ?? PRUNE_INTERVAL_MS);
    this.pruned = metrics?.counter('proctor_messaging_rows_pruned_total', 'Sent outbox rows and inbox rows deleted past MESSAGING_RETENTION_HOURS', ['table']);
  }

  /** The first pass waits a minute: a starting service has better things to do. */
  start(): void {
    this.loop.start(60_000);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Deletes everything past the retention, batch after batch; returns how many rows of each table. */
  async pruneAll(): Promise<{ outbox: number; inbox: number }> {
    const outbox = await this.drain('outbox', () =>
      this.deleteBatch(
        `DELETE FROM outbox WHERE id IN (
           SELECT id FROM outbox WHERE sent_at < now() - make_interval(hours => $1) ORDER BY sent_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      ),
    );
    const inbox = await this.drain('inbox', () =>
      this.deleteBatch(
        `DELETE FROM inbox WHERE (message_id, consumer) IN (
           SELECT message_id, consumer FROM inbox WHERE processed_at < now() - make_interval(hours => $1) ORDER BY processed_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      ),
    );
    return { outbox, inbox };
  }

  private async drain(table: string, batch: () => Promise<number>): Promise<number> {
    const size = this.options.batchSize ?? BATCH_SIZE;
    let total = 0;
    for (let deleted = await batch(); ; deleted = await batch()) {
      total += deleted;
      this.pruned?.inc({ table }, deleted);
      if (deleted < size) return total;
    }
  }

  private async deleteBatch(sql: string): Promise<number> {
    const [, deleted] = (await this.dataSource.query(sql, [this.options.retentionHours, this.options.batchSize ?? BATCH_SIZE])) as [unknown, number];
    return deleted;
  }
}
