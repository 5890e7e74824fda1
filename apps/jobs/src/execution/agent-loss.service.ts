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
 * transaction as its read-model row, each job it held is lost (the lost-job rule). A stale offline
 * event (the agent has been online again since, by presence_seq) loses nothing: the agent's
 * registration already reconciled what it holds, and jobs it took since are its own.
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
    return this.apply(messageId, event, 'deleted', async (manager) => {
      await this.agents.markDeleted(manager, event);
      return true;
    });
  }

  /** `mark` updates the read model and says whether the event is current (false: stale, nothing lost). */
  private async apply(messageId: string, agent: { agent_id: string; name: string }, what: string, mark: (manager: EntityManager) => Promise<boolean>): Promise<void> {
    const changes = new JobChanges();
    let current = false;
    const applied = await this.inbox.once(messageId, AGENT_LOSS_CONSUMER, async (manager) => {
      current = await mark(manager);
      if (!current) return;
      for (const job of await this.executions.lockActiveOfAgent(manager, agent.agent_id)) await this.finisher.lose(manager, job, agent.name, changes);
    });
    if (!applied || !current) {
      this.logger.log({ msg: applied ? `stale agent ${what} event skipped` : `duplicate agent ${what} event skipped`, agent_id: agent.agent_id, message_id: messageId });
      return;
    }
    this.finisher.settled(changes);
    this.logger.log({ msg: `jobs of an agent ${what} handled`, agent_id: agent.agent_id, requeued: changes.requeued.length, ended: changes.finished.length });
  }
}
