import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { AgentOfflineEvent, AgentsEvent } from '@proctor/contracts';
import { AmqpContext } from '@proctor/messaging';
import { AgentOfflineService } from './agent-offline.service';

@Controller()
export class AgentOfflineEventController {
  constructor(private readonly offline: AgentOfflineService) {}

  @EventPattern(AgentsEvent.Offline)
  offlineAgent(@Payload() event: AgentOfflineEvent, @Ctx() ctx: AmqpContext) {
    return this.offline.apply(ctx.messageId, event);
  }
}
