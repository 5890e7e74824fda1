/** Routing keys of the agents service: RPC verbs on `proctor.rpc`, events on `proctor.events`. */
export enum AgentsRpc {
  Create = 'agents.create',
  List = 'agents.list',
  Get = 'agents.get',
  Delete = 'agents.delete',
  /** Which agent a name and key belong to (the gateway caches the answer). */
  Authenticate = 'agents.authenticate',
  Register = 'agents.register',
  Heartbeat = 'agents.heartbeat',
}

export enum AgentsEvent {
  Created = 'agents.agent.created',
  Deleted = 'agents.agent.deleted',
  Online = 'agents.agent.online',
  Offline = 'agents.agent.offline',
}

export enum AgentErrorCode {
  NotFound = 'agent_not_found',
  NameTaken = 'agent_name_taken',
  KeyInvalid = 'agent_key_invalid',
}

export const AGENT_STATUSES = ['online', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** Why an agent went offline: silent past the threshold, or it said goodbye (SIGTERM drain). */
export const AGENT_OFFLINE_REASONS = ['timeout', 'disconnect'] as const;
export type AgentOfflineReason = (typeof AGENT_OFFLINE_REASONS)[number];

/** Header every daemon report carries, so that any report counts as a sign of life. */
export const AGENT_ID_HEADER = 'x-agent-id';

/** Routing keys on `proctor.reports` that agent daemons publish under (device heartbeats are not theirs). */
export const AGENT_REPORT_PATTERNS = ['task.#', 'job.#', 'sync.#'] as const;
