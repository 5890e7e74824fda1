import { CommonErrorCode, ProctorError } from '@proctor/contracts';

/** The caller as the guards left it on the request: an agent (agent credentials) or a user (JWT). */
export interface ScopedRequest {
  agent?: { agent_id: string };
  user?: { subject: string };
}

/**
 * Whose keys a key is among: each agent, and each user, has its own, so that two callers picking
 * the same key never see each other's answers.
 */
export function idempotencyScope(request: ScopedRequest): string {
  if (request.agent) return `agent:${request.agent.agent_id}`;
  if (request.user) return `user:${request.user.subject}`;
  // A route marked idempotent without an authenticated caller: a programming error, not the client's.
  throw new ProctorError(CommonErrorCode.Internal, 'an idempotent route ran without an authenticated caller');
}
