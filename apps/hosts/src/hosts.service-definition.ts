import { ServiceDefinition } from '@proctor/messaging';
import { MessagingRetentionIndexes1764200000000 } from '@proctor/persistence';
import { Host } from './host/host.entity';
import { HostModule } from './host/host.module';
import { CreateHosts1763900400000 } from './migrations/1763900400000-create-hosts';

export const HOSTS_SERVICE: ServiceDefinition = {
  service: 'hosts',
  defaultPort: 8085,
  entities: [Host],
  migrations: [CreateHosts1763900400000, MessagingRetentionIndexes1764200000000],
  domainModules: () => [HostModule],
};
