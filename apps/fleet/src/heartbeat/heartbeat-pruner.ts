import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MetricsService } from '@proctor/observability';
import { FLEET_CONFIG, FleetConfig } from '../fleet-config';
import { PeriodicTask } from '../scheduling/periodic-task';
import { moreToDelete, RETENTION_BATCH_ROWS, retentionCutoff } from './heartbeat-retention';
import { HeartbeatRepository } from './heartbeat.repository';

/**
 * Keeps the heartbeat history within FLEET_HEARTBEAT_RETENTION_DAYS, on a timer, off the ingest
 * path: short batched deletes by the received_at index (one index probe when nothing is due).
 */
@Injectable()
export class HeartbeatPruner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HeartbeatPruner.name);
  private readonly task: PeriodicTask;
  private readonly deleted;

  constructor(
    private readonly heartbeats: HeartbeatRepository,
    @Inject(FLEET_CONFIG) private readonly config: FleetConfig,
    metrics: MetricsService,
  ) {
    this.task = new PeriodicTask('HeartbeatPruner', config.sweepIntervalMs, () => this.prune().then(() => undefined));
    this.deleted = metrics.counter('fleet_heartbeats_pruned_total', 'Heartbeats deleted past retention');
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  async prune(): Promise<number> {
    const cutoff = retentionCutoff(new Date(), this.config.heartbeatRetentionDays);
    let total = 0;
    for (let batches = 1; ; batches++) {
      const deleted = await this.heartbeats.deleteOlderThan(cutoff, RETENTION_BATCH_ROWS);
      total += deleted;
      if (!moreToDelete(deleted, batches)) break;
    }
    if (total > 0) {
      this.deleted.inc(total);
      this.logger.log({ msg: 'heartbeats past retention deleted', deleted: total, before: cutoff.toISOString() });
    }
    return total;
  }
}
