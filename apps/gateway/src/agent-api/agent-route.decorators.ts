import { applyDecorators, createParamDecorator, ExecutionContext, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { Public } from '@proctor/auth';
import { AuthenticatedAgent, CommonErrorCode, ProctorError } from '@proctor/contracts';
import { AgentAuthGuard } from './agent-auth.guard';

export interface AgentHttpRequest {
  headers: Record<string, string | string[] | undefined>;
  agent?: AuthenticatedAgent;
}

/** A controller of the agent protocol: agent credentials instead of a bearer token. */
export function AgentProtocolController(): ClassDecorator {
  return applyDecorators(
    Public(),
    UseGuards(AgentAuthGuard),
    ApiTags('agent protocol'),
    ApiHeader({ name: 'X-AGENT-NAME', required: true, description: 'the agent name' }),
    ApiHeader({ name: 'X-AGENT-KEY', required: true, description: 'the agent key, shown once when the agent was created' }),
  );
}

/** The agent AgentAuthGuard established for this request. */
export const CurrentAgent = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedAgent => {
  const agent = context.switchToHttp().getRequest<AgentHttpRequest>().agent;
  if (!agent) throw new ProctorError(CommonErrorCode.Internal, 'an agent route ran without AgentAuthGuard');
  return agent;
});
