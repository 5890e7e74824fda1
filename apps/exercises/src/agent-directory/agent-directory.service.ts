import { Injectable, Logger } from '@nestjs/common';
import { AgentCreatedEvent, AgentDeletedEvent, AgentOnlineEvent } from '@proctor/contracts';
import { InboxService } from '@proctor/persistence';
import { AgentDirectoryRepository } from './agent-directory.repository';

/** The inbox consumer name: a message id is applied once per consumer. */
export const AGENT_DIRECTORY_CONSUMER = 'exercises.agent-directory';

/** Keeps the exercises service's read model of lab agents from the agents service's events. */
@Injectable()
export class AgentDirectoryService {
  private readonly logger = new Logger(AgentDirectoryService.name);

  constructor(
    private readonly directory: AgentDirectoryRepository,
    private readonly inbox: InboxService,
  ) {}

  async applyCreated(messageId: string, event: AgentCreatedEvent): Promise<void> {
    const applied = await this.inbox.once(messageId, AGENT_DIRECTORY_CONSUMER, (manager) =>
      this.directory.upsert(manager, { agent_id: event.agent_id, name: event.name, labels: event.labels }),
    );
    this.logger.log({ msg: applied ? 'agent added to directory' : 'duplicate agent event skipped', agent_id: event.agent_id, message_id: messageId });
  }

  /** Keeps what the agent announced on coming online: its interfaces give a client its server's address. */
  async applyOnline(messageId: string, event: AgentOnlineEvent): Promise<void> {
    let fresh = false;
    const applied = await this.inbox.once(messageId, AGENT_DIRECTORY_CONSUMER, async (manager) => {
      fresh = await this.directory.upsertOnline(manager, {
        agent_id: event.agent_id,
        name: event.name,
        capabilities: event.capabilities ?? null,
        presence_seq: event.presence_seq,
      });
    });
    const msg = !applied ? 'duplicate agent event skipped' : fresh ? 'agent capabilities recorded' : 'stale agent online event skipped';
    this.logger.log({ msg, agent_id: event.agent_id, message_id: messageId, presence_seq: event.presence_seq });
  }

  async applyDeleted(messageId: string, event: AgentDeletedEvent): Promise<void> {
    const applied = await this.inbox.once(messageId, AGENT_DIRECTORY_CONSUMER, (manager) =>
      this.directory.markDeleted(manager, { agent_id: event.agent_id, name: event.name }),
    );
    this.logger.log({ msg: applied ? 'agent marked deleted in directory' : 'duplicate agent event skipped', agent_id: event.agent_id, message_id: messageId });
  }
}
