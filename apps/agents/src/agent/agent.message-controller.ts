import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AgentsRpc, AuthenticateAgentRequest, CreateAgentRequest, ListAgentsRequest } from '@proctor/contracts';
import { AgentService } from './agent.service';
import { IdPayload, IdPayloadPipe } from './id-payload.pipe';

@Controller()
export class AgentMessageController {
  constructor(private readonly agents: AgentService) {}

  @MessagePattern(AgentsRpc.Create)
  create(@Payload() request: CreateAgentRequest) {
    return this.agents.create(request);
  }

  @MessagePattern(AgentsRpc.List)
  list(@Payload() request: ListAgentsRequest) {
    return this.agents.list(request);
  }

  @MessagePattern(AgentsRpc.Get)
  get(@Payload(IdPayloadPipe) request: IdPayload) {
    return this.agents.get(request.id);
  }

  @MessagePattern(AgentsRpc.Authenticate)
  authenticate(@Payload() request: AuthenticateAgentRequest) {
    return this.agents.authenticate(request);
  }

  @MessagePattern(AgentsRpc.Delete)
  delete(@Payload(IdPayloadPipe) request: IdPayload) {
    return this.agents.delete(request.id);
  }
}
