import { ServiceDefinition } from '@proctor/messaging';
import { Device } from './device/device.entity';
import { DeviceModule } from './device/device.module';
import { CreateFleet1763900300000 } from './migrations/1763900300000-create-fleet';

export const FLEET_SERVICE: ServiceDefinition = {
  service: 'fleet',
  defaultPort: 8084,
  entities: [Device],
  migrations: [CreateFleet1763900300000],
  domainModules: () => [DeviceModule],
};
