import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { FLEET_CONFIG, FleetConfig } from '../fleet-config';
import { PeriodicTask } from '../scheduling/periodic-task';
import { RolloutService } from './rollout.service';

/**
 * Reviews active rollouts every FLEET_SWEEP_INTERVAL_MS: expires devices past the pending deadline,
 * judges updated devices' health, halts or completes. Update reports only record; the verdict is
 * taken here, so that thousands of devices reporting at once never queue on one rollout's lock.
 */
@Injectable()
export class RolloutMonitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(rollouts: RolloutService, @Inject(FLEET_CONFIG) config: FleetConfig) {
    this.task = new PeriodicTask('RolloutMonitor', config.sweepIntervalMs, () => rollouts.reviewActive());
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
