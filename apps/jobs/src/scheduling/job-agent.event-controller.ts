import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { AgentCreatedEvent, AgentOnlineEvent, AgentsEvent } from '@proctor/contracts';
import { AmqpContext } from '@proctor/messaging';
import { JobAgentService } from './job-agent.service';

/** Keeps the agent read model in step with the agents service's events (offline and deleted: see execution). */
@Controller()
export class JobAgentEventController {
  constructor(private readonly agents: JobAgentService) {}

  @EventPattern(AgentsEvent.Created)
  created(@Payload() event: AgentCreatedEvent, @Ctx() ctx: AmqpContext) {
    return this.agents.applyCreated(ctx.messageId, event);
  }

  @EventPattern(AgentsEvent.Online)
  online(@Payload() event: AgentOnlineEvent, @Ctx() ctx: AmqpContext) {
    return this.agents.applyOnline(ctx.messageId, event);
  }
}
