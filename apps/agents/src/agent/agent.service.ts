import { Injectable, Logger } from '@nestjs/common';
import { generateSecret, hashSecret } from '@proctor/auth';
import {
  AgentCreatedEvent,
  AgentDeletedEvent,
  AgentErrorCode,
  AgentsEvent,
  AgentView,
  CreateAgentRequest,
  CreatedAgentView,
  ListAgentsRequest,
  Page,
  ProctorError,
} from '@proctor/contracts';
import { OutboxWriter, pageSize, toPage } from '@proctor/persistence';
import { toAgentView } from './agent.mapper';
import { AgentRepository } from './agent.repository';

@Injectable()
export class AgentService {
  private readonly logger = new Logger(AgentService.name);

  constructor(
    private readonly agents: AgentRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Creates an agent and returns its key, which is stored only as a hash and never shown again. */
  async create(request: CreateAgentRequest): Promise<CreatedAgentView> {
    const key = generateSecret('pak_');
    const keyHash = await hashSecret(key);
    const agent = await this.agents.transaction(async (manager) => {
      const created = await this.agents.insertIfNameFree(manager, { name: request.name, key_hash: keyHash, labels: request.labels ?? {} });
      if (!created) {
        throw new ProctorError(AgentErrorCode.NameTaken, `an agent named ${request.name} already exists`, { name: request.name });
      }
      const event: AgentCreatedEvent = { agent_id: created.id, name: created.name, labels: created.labels };
      await this.outbox.add(manager, AgentsEvent.Created, event);
      return created;
    });
    this.logger.log({ msg: 'agent created', agent_id: agent.id, name: agent.name });
    return { ...toAgentView(agent), key };
  }

  async get(id: string): Promise<AgentView> {
    const agent = await this.agents.findById(id);
    if (!agent) throw new ProctorError(AgentErrorCode.NotFound, `no agent with id ${id}`, { id });
    return toAgentView(agent);
  }

  async list(request: ListAgentsRequest): Promise<Page<AgentView>> {
    const size = pageSize(request.limit);
    const rows = await this.agents.listPage({ status: request.status }, request.cursor, size);
    return toPage(rows, size, (a) => ({ at: a.created_at, id: a.id }), toAgentView);
  }

  /** Unregisters an agent: from now on its credentials get 404 and it must exit. */
  async delete(id: string): Promise<AgentView> {
    const agent = await this.agents.transaction(async (manager) => {
      const deleted = await this.agents.deleteById(manager, id);
      if (!deleted) throw new ProctorError(AgentErrorCode.NotFound, `no agent with id ${id}`, { id });
      const event: AgentDeletedEvent = { agent_id: deleted.id, name: deleted.name };
      await this.outbox.add(manager, AgentsEvent.Deleted, event);
      return deleted;
    });
    this.logger.log({ msg: 'agent deleted', agent_id: agent.id, name: agent.name });
    return toAgentView(agent);
  }
}
