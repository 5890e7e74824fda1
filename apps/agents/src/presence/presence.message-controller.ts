import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AgentHeartbeatMessage, AgentsRpc, RegisterAgentMessage } from '@proctor/contracts';
import { PresenceService } from './presence.service';

@Controller()
export class PresenceMessageController {
  constructor(private readonly presence: PresenceService) {}

  @MessagePattern(AgentsRpc.Register)
  register(@Payload() message: RegisterAgentMessage) {
    return this.presence.register(message);
  }

  @MessagePattern(AgentsRpc.Heartbeat)
  heartbeat(@Payload() message: AgentHeartbeatMessage) {
    return this.presence.heartbeat(message);
  }
}
