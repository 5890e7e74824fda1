import { ExerciseErrorCode, JobErrorCode } from '@proctor/contracts';
import { GatewayError } from './gateway-error';

/**
 * Exit codes for what a restart cannot fix; the systemd unit lists them in RestartPreventExitStatus
 * so that a deleted agent does not knock on the gateway every 5 s forever.
 */
export const EXIT_AGENT_DELETED = 3;
export const EXIT_UNSUPPORTED_VERSION = 4;

/** A 404 with one of these codes is about one task or job, not about the agent. */
const ONE_UNIT_OF_WORK_NOT_FOUND: string[] = [ExerciseErrorCode.TaskNotFound, JobErrorCode.NotFound];

export interface AgentExit {
  code: number;
  reason: string;
}

/**
 * Whether a gateway answer means the daemon must stop for good: a 404 says the agent was deleted
 * (except a 404 about one task or job, which is that one's business), a 426 that the server no
 * longer speaks this daemon's protocol version.
 */
export function agentExitFor(error: GatewayError): AgentExit | undefined {
  if (error.status === 404 && !ONE_UNIT_OF_WORK_NOT_FOUND.includes(error.code)) {
    return { code: EXIT_AGENT_DELETED, reason: `the gateway does not know this agent (404 ${error.code}): it was deleted; exiting` };
  }
  if (error.status === 426) {
    const supported = Array.isArray(error.details.supported) ? error.details.supported.map(String).join(', ') : 'unknown';
    return {
      code: EXIT_UNSUPPORTED_VERSION,
      reason: `the gateway does not speak X-API-Version 1 (426); it supports: ${supported}. Install a matching agentd`,
    };
  }
  return undefined;
}
