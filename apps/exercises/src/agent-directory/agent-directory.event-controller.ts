import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { AgentCreatedEvent, AgentDeletedEvent, AgentsEvent } from '@proctor/contracts';
// Type-only on purpose: the global ValidationPipe validates `@Ctx()` by its class and refuses
// AmqpContext's own fields; with no runtime class in the metadata it passes the context untouched.
import type { AmqpContext } from '@proctor/messaging';
import { AgentDirectoryService } from './agent-directory.service';

@Controller()
export class AgentDirectoryEventController {
  constructor(private readonly directory: AgentDirectoryService) {}

  @EventPattern(AgentsEvent.Created)
  created(@Payload() event: AgentCreatedEvent, @Ctx() ctx: AmqpContext) {
    return this.directory.applyCreated(ctx.messageId, event);
  }

  @EventPattern(AgentsEvent.Deleted)
  deleted(@Payload() event: AgentDeletedEvent, @Ctx() ctx: AmqpContext) {
    return this.directory.applyDeleted(ctx.messageId, event);
  }
}
