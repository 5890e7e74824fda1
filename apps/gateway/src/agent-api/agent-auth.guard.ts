import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { readAgentCredentials } from './agent-credentials';
import { AgentAuthenticator } from './agent-authenticator';
import type { AgentHttpRequest } from './agent-route.decorators';

/** Agent credentials on the agent protocol: the agent it establishes is left on the request. */
@Injectable()
export class AgentAuthGuard implements CanActivate {
  constructor(private readonly authenticator: AgentAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AgentHttpRequest>();
    request.agent = await this.authenticator.authenticate(readAgentCredentials(request.headers));
    return true;
  }
}
