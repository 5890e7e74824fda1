import { AgentCapabilities, AgentOfflineEvent, AgentOfflineReason, AgentOnlineEvent, AgentStatus } from '@proctor/contracts';

/** An agent as a presence change saw it: after the change, with the status it had before. */
export interface PresenceChange {
  agent: { id: string; name: string; capabilities: Record<string, unknown>; last_heartbeat: Date | null; presence_seq: string };
  previousStatus: AgentStatus;
}

/**
 * Whether `agents.agent.online` is announced. A registration always announces it: it opens a new
 * daemon session whose capabilities (addresses) consumers must pick up, even if the agent was still
 * online from the previous one. A heartbeat announces it only when it brings an offline agent back.
 */
export function announcesOnline(via: 'register' | 'heartbeat', previousStatus: AgentStatus): boolean {
  return via === 'register' || previousStatus !== 'online';
}

/** `agents.agent.offline` is announced once per transition: only when the agent was online. */
export function announcesOffline(previousStatus: AgentStatus): boolean {
  return previousStatus === 'online';
}

export function onlineEvent(agent: PresenceChange['agent']): AgentOnlineEvent {
  return { agent_id: agent.id, name: agent.name, capabilities: agent.capabilities as AgentCapabilities, presence_seq: Number(agent.presence_seq) };
}

export function offlineEvent(agent: { id: string; name: string; last_heartbeat: Date | null; presence_seq: string }, reason: AgentOfflineReason): AgentOfflineEvent {
  return { agent_id: agent.id, name: agent.name, reason, last_heartbeat: agent.last_heartbeat?.toISOString() ?? null, presence_seq: Number(agent.presence_seq) };
}
