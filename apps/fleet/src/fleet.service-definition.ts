import { ServiceDefinition } from '@proctor/messaging';
import { MessagingRetentionIndexes1764200000000 } from '@proctor/persistence';
import { DeviceEvent } from './device/device-event.entity';
import { Device } from './device/device.entity';
import { readFleetConfig } from './fleet-config';
import { FleetModule } from './fleet.module';
import { DeviceHeartbeat } from './heartbeat/device-heartbeat.entity';
import { CreateFleet1763900300000 } from './migrations/1763900300000-create-fleet';
import { FleetKeysHeartbeatsEventsUpdatesRollouts1764000300000 } from './migrations/1764000300000-fleet-keys-heartbeats-events-updates-rollouts';
import { RolloutDevice } from './rollout/rollout-device.entity';
import { Rollout } from './rollout/rollout.entity';
import { DeviceUpdate } from './update/device-update.entity';
import { heartbeatQueue } from './heartbeat/heartbeat-consumer';

export const FLEET_SERVICE: ServiceDefinition = {
  service: 'fleet',
  defaultPort: 8084,
  entities: [Device, DeviceEvent, DeviceHeartbeat, DeviceUpdate, Rollout, RolloutDevice],
  migrations: [CreateFleet1763900300000, FleetKeysHeartbeatsEventsUpdatesRollouts1764000300000, MessagingRetentionIndexes1764200000000],
  // The fleet's own variables are read (and validated) here, once: a bad one stops the start.
  domainModules: (config, env) => [FleetModule.forRoot(readFleetConfig(env, config))],
  ownQueues: (names) => [heartbeatQueue(names)],
};
