import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { AgentDeletedEvent, AgentOfflineEvent, AgentsEvent } from '@proctor/contracts';
import { AmqpContext } from '@proctor/messaging';
import { AgentLossService } from './agent-loss.service';

@Controller()
export class AgentLossEventController {
  constructor(private readonly loss: AgentLossService) {}

  @EventPattern(AgentsEvent.Offline)
  offline(@Payload() event: AgentOfflineEvent, @Ctx() ctx: AmqpContext) {
    return this.loss.offline(ctx.messageId, event);
  }

  @EventPattern(AgentsEvent.Deleted)
  deleted(@Payload() event: AgentDeletedEvent, @Ctx() ctx: AmqpContext) {
    return this.loss.deleted(ctx.messageId, event);
  }
}
