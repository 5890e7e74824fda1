/** Routing keys of the agents service: RPC verbs on `proctor.rpc`, events on `proctor.events`. */
export enum AgentsRpc {
  Create = 'agents.create',
  List = 'agents.list',
  Get = 'agents.get',
  Delete = 'agents.delete',
}

export enum AgentsEvent {
  Created = 'agents.agent.created',
  Deleted = 'agents.agent.deleted',
}

export enum AgentErrorCode {
  NotFound = 'agent_not_found',
  NameTaken = 'agent_name_taken',
}

export const AGENT_STATUSES = ['online', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];
