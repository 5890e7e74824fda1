import { Injectable, Logger } from '@nestjs/common';
import { AgentDeletedEvent, AgentOfflineEvent } from '@proctor/contracts';
import { InboxService } from '@proctor/persistence';
import { EntityManager } from 'typeorm';
import { JobAgentRepository } from '../scheduling/job-agent.repository';
import { JobExecutionRepository } from './job-execution.repository';
import { JobChanges, JobFinisher } from './job-finisher';

/** The inbox consumer name of lost agents: a message id is applied once per consumer. */
export const AGENT_LOSS_CONSUMER = 'jobs.agent-loss';

/**
 * An agent that went offline or was deleted cannot go on with its jobs: in the same (inbox)
 * transaction as its read-model row, each job it held is lost (the lost-job rule).
 */
@Injectable()
export class AgentLossService {
  private readonly logger = new Logger(AgentLossService.name);

  constructor(
    private readonly executions: JobExecutionRepository,
    private readonly agents: JobAgentRepository,
    private readonly finisher: JobFinisher,
    private readonly inbox: InboxService,
  ) {}

  offline(messageId: string, event: AgentOfflineEvent): Promise<void> {
    return this.apply(messageId, event, 'offline', (manager) => this.agents.markOffline(manager, event));
  }

  deleted(messageId: string, event: AgentDeletedEvent): Promise<void> {
    return this.apply(messageId, event, 'deleted', (manager) => this.agents.markDeleted(manager, event));
  }

  private async apply(messageId: string, agent: { agent_id: string; name: string }, what: string, mark: (manager: EntityManager) => Promise<void>): Promise<void> {
    const changes = new JobChanges();
    const applied = await this.inbox.once(messageId, AGENT_LOSS_CONSUMER, async (manager) => {
      await mark(manager);
      for (const job of await this.executions.lockActiveOfAgent(manager, agent.agent_id)) await this.finisher.lose(manager, job, agent.name, changes);
    });
    if (!applied) {
      this.logger.log({ msg: `duplicate agent ${what} event skipped`, agent_id: agent.agent_id, message_id: messageId });
      return;
    }
    this.finisher.settled(changes);
    this.logger.log({ msg: `jobs of an agent ${what} handled`, agent_id: agent.agent_id, requeued: changes.requeued.length, ended: changes.finished.length });
  }
}
