import { DynamicModule, Global, Module } from '@nestjs/common';
import { DeviceModule } from './device/device.module';
import { FLEET_CONFIG, FleetConfig } from './fleet-config';
import { HeartbeatModule } from './heartbeat/heartbeat.module';
import { LivenessModule } from './liveness/liveness.module';
import { RolloutModule } from './rollout/rollout.module';
import { DeviceUpdateModule } from './update/device-update.module';

/** The fleet domain: devices, heartbeats, liveness, updates, rollouts; its configuration for all of them. */
@Global()
@Module({})
export class FleetModule {
  static forRoot(config: FleetConfig): DynamicModule {
    return {
      module: FleetModule,
      imports: [DeviceModule, HeartbeatModule, LivenessModule, DeviceUpdateModule, RolloutModule],
      providers: [{ provide: FLEET_CONFIG, useValue: config }],
      exports: [FLEET_CONFIG],
    };
  }
}
