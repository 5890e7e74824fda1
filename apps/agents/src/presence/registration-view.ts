import { AgentRegistrationView } from '@proctor/contracts';
import { PresenceSettings } from './presence-settings';
import { Reconciliation } from './held-task-reconciliation';

/** The answer to a registration: how to behave, where the work queue is, what to keep of what it holds. */
export function registrationView(
  agent: { id: string; name: string },
  settings: Pick<PresenceSettings, 'heartbeatIntervalSeconds' | 'offlineAfterSeconds'>,
  queue: string,
  reconciliation: Reconciliation,
): AgentRegistrationView {
  return {
    agent_id: agent.id,
    name: agent.name,
    heartbeat_interval_seconds: settings.heartbeatIntervalSeconds,
    offline_after_seconds: settings.offlineAfterSeconds,
    queue,
    keep: reconciliation.keep,
    drop: reconciliation.drop,
  };
}
