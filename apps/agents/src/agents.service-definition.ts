import { ServiceDefinition } from '@proctor/messaging';
import { MessagingRetentionIndexes1764200000000 } from '@proctor/persistence';
import { Agent } from './agent/agent.entity';
import { AgentModule } from './agent/agent.module';
import { CreateAgents1763900000000 } from './migrations/1763900000000-create-agents';
import { AgentKeysSha256AndPresence1763920000000 } from './migrations/1763920000000-agent-keys-sha256-and-presence';
import { AgentPresenceSeq1764300000000 } from './migrations/1764300000000-agent-presence-seq';
import { PresenceModule } from './presence/presence.module';
import { readPresenceSettings } from './presence/presence-settings';

export const AGENTS_SERVICE: ServiceDefinition = {
  service: 'agents',
  defaultPort: 8081,
  entities: [Agent],
  migrations: [CreateAgents1763900000000, AgentKeysSha256AndPresence1763920000000, MessagingRetentionIndexes1764200000000, AgentPresenceSeq1764300000000],
  domainModules: (_config, env) => [AgentModule, PresenceModule.forRoot(readPresenceSettings(env))],
  ownQueues: (names) => [names.serviceQueue('agents', 'reports')],
};
