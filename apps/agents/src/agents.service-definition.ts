import { ServiceDefinition } from '@proctor/messaging';
import { Agent } from './agent/agent.entity';
import { AgentModule } from './agent/agent.module';
import { CreateAgents1763900000000 } from './migrations/1763900000000-create-agents';

export const AGENTS_SERVICE: ServiceDefinition = {
  service: 'agents',
  defaultPort: 8081,
  entities: [Agent],
  migrations: [CreateAgents1763900000000],
  domainModules: () => [AgentModule],
};
