import { AgentView } from '@proctor/contracts';
import { Agent } from './agent.entity';

/** What of an agent leaves the service: never its key hash. */
export function toAgentView(agent: Agent): AgentView {
  return {
    id: agent.id,
    name: agent.name,
    status: agent.status,
    labels: agent.labels,
    capabilities: agent.capabilities,
    last_heartbeat: agent.last_heartbeat?.toISOString() ?? null,
    created_at: agent.created_at.toISOString(),
    updated_at: agent.updated_at.toISOString(),
  };
}
