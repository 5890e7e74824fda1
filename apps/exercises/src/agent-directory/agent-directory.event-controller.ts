import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { AgentCreatedEvent, AgentDeletedEvent, AgentOnlineEvent, AgentsEvent } from '@proctor/contracts';
import { AmqpContext } from '@proctor/messaging';
import { AgentDirectoryService } from './agent-directory.service';

/** Keeps the agent directory in step with the agents service's events. */
@Controller()
export class AgentDirectoryEventController {
  constructor(private readonly directory: AgentDirectoryService) {}

  @EventPattern(AgentsEvent.Created)
  created(@Payload() event: AgentCreatedEvent, @Ctx() ctx: AmqpContext) {
    return this.directory.applyCreated(ctx.messageId, event);
  }

  @EventPattern(AgentsEvent.Online)
  online(@Payload() event: AgentOnlineEvent, @Ctx() ctx: AmqpContext) {
    return this.directory.applyOnline(ctx.messageId, event);
  }

  @EventPattern(AgentsEvent.Deleted)
  deleted(@Payload() event: AgentDeletedEvent, @Ctx() ctx: AmqpContext) {
    return this.directory.applyDeleted(ctx.messageId, event);
  }
}
