import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MetricsService } from '@proctor/observability';
import { OutboxWriter } from '@proctor/persistence';
import { DeviceEventRepository } from '../device/device-event.repository';
import { announceStatusChanges } from '../device/device-status-transition';
import { DeviceRepository } from '../device/device.repository';
import { FLEET_CONFIG, FleetConfig } from '../fleet-config';
import { PeriodicTask } from '../scheduling/periodic-task';
import { firstSweepDelayMs, OFFLINE_SWEEP_LIMIT, offlineCutoff, sweepAgain } from './offline-marker';

/**
 * Every FLEET_SWEEP_INTERVAL_MS, marks offline the devices silent for FLEET_OFFLINE_AFTER_SECONDS,
 * with a device event and a `fleet.device.offline` outbox event in the same transaction. Safe with
 * several replicas: the statement skips rows another one holds and never matches an offline device.
 */
@Injectable()
export class OfflineSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OfflineSweeper.name);
  private readonly task: PeriodicTask;
  private readonly marked;

  constructor(
    private readonly devices: DeviceRepository,
    private readonly events: DeviceEventRepository,
    private readonly outbox: OutboxWriter,
    @Inject(FLEET_CONFIG) private readonly config: FleetConfig,
    metrics: MetricsService,
  ) {
    this.task = new PeriodicTask('OfflineSweeper', config.sweepIntervalMs, () => this.sweep().then(() => undefined));
    this.marked = metrics.counter('fleet_devices_marked_offline_total', 'Devices the sweep marked offline');
  }

  onApplicationBootstrap(): void {
    this.task.start(firstSweepDelayMs(this.config.offlineAfterSeconds, this.config.sweepIntervalMs));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const marked = await this.devices.transaction(async (manager) => {
        const changes = await this.devices.markOverdueOffline(manager, offlineCutoff(new Date(), this.config.offlineAfterSeconds), OFFLINE_SWEEP_LIMIT);
        const { events, outbox } = announceStatusChanges(changes);
        await this.events.insertMany(manager, events);
        await this.outbox.addMany(manager, outbox);
        return changes.length;
      });
      total += marked;
      if (!sweepAgain(marked)) break;
    }
    if (total > 0) {
      this.marked.inc(total);
      this.logger.log({ msg: 'devices marked offline', count: total });
    }
    return total;
  }
}
