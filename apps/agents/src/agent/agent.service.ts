import { Injectable, Logger } from '@nestjs/common';
import {
  AgentCreatedEvent,
  AgentDeletedEvent,
  AgentErrorCode,
  AgentsEvent,
  AgentView,
  AuthenticateAgentRequest,
  AuthenticatedAgent,
  CreateAgentRequest,
  CreatedAgentView,
  ListAgentsRequest,
  Page,
  ProctorError,
} from '@proctor/contracts';
import { OutboxWriter, pageSize, toPage } from '@proctor/persistence';
import { checkAgentKey, issueAgentKey } from './agent-key';
import { AgentQueue } from './agent-queue';
import { toAgentView } from './agent.mapper';
import { AgentRepository } from './agent.repository';

@Injectable()
export class AgentService {
  private readonly logger = new Logger(AgentService.name);

  constructor(
    private readonly agents: AgentRepository,
    private readonly outbox: OutboxWriter,
    private readonly queues: AgentQueue,
  ) {}

  /** Creates an agent and returns its key, which is stored only as its SHA-256 and never shown again. */
  async create(request: CreateAgentRequest): Promise<CreatedAgentView> {
    const { key, sha256 } = issueAgentKey();
    const agent = await this.agents.transaction(async (manager) => {
      const created = await this.agents.insertIfNameFree(manager, { name: request.name, key_sha256: sha256, labels: request.labels ?? {} });
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

  /**
   * Which agent a name and key digest belong to: unknown name 404 (a deleted agent's daemon must
   * exit), wrong key 401. The gateway caches a positive answer briefly.
   */
  async authenticate(request: AuthenticateAgentRequest): Promise<AuthenticatedAgent> {
    const stored = await this.agents.findKeyByName(request.name);
    const check = checkAgentKey(stored, request.key_hash);
    switch (check.outcome) {
      case 'ok':
        return { agent_id: check.agent.id, name: check.agent.name };
      case 'unknown_agent':
        throw new ProctorError(AgentErrorCode.NotFound, `no agent named ${request.name}`, { name: request.name });
      case 'wrong_key':
        throw new ProctorError(AgentErrorCode.KeyInvalid, `wrong key for agent ${request.name}`, { name: request.name });
    }
  }

  /**
   * Unregisters an agent: from now on its credentials get 404 and it must exit. Its work queue goes
   * first (a broker out of reach fails the delete and changes nothing), then the row.
   */
  async delete(id: string): Promise<AgentView> {
    if (!(await this.agents.findById(id))) throw new ProctorError(AgentErrorCode.NotFound, `no agent with id ${id}`, { id });
    await this.queues.delete(id);
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
