import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AgentErrorCode,
  AgentHeartbeatMessage,
  AgentHeartbeatView,
  AgentRegistrationView,
  AgentsEvent,
  HeldTask,
  ProctorError,
  ReconcileTasksMessage,
  ReconcileTasksView,
  RegisterAgentMessage,
  TasksRpc,
} from '@proctor/contracts';
import { RpcClient } from '@proctor/messaging';
import { OutboxWriter } from '@proctor/persistence';
import { AgentQueue } from '../agent/agent-queue';
import { AgentRepository } from '../agent/agent.repository';
import { announcesOffline, announcesOnline, offlineEvent, onlineEvent } from './agent-presence';
import { reconcileHeldTasks } from './held-task-reconciliation';
import { PRESENCE_SETTINGS } from './presence.constants';
import { PresenceSettings } from './presence-settings';
import { registrationView } from './registration-view';

const notFound = (id: string) => new ProctorError(AgentErrorCode.NotFound, `no agent with id ${id}`, { id });

/** Registrations and heartbeats: whether an agent is online, and what it can do. */
@Injectable()
export class PresenceService {
  private readonly logger = new Logger(PresenceService.name);

  constructor(
    private readonly agents: AgentRepository,
    private readonly outbox: OutboxWriter,
    private readonly queues: AgentQueue,
    private readonly rpc: RpcClient,
    @Inject(PRESENCE_SETTINGS) private readonly settings: PresenceSettings,
  ) {}

  /**
   * A daemon (re)connects: its work queue is declared first (so that it exists before anyone hears
   * the agent is online), then the agent goes online with what it reported and `agents.agent.online`
   * in the same transaction; last the exercises service says which held tasks to keep.
   */
  async register(message: RegisterAgentMessage): Promise<AgentRegistrationView> {
    const id = message.agent_id;
    if (!(await this.agents.findById(id))) throw notFound(id);
    const queue = await this.queues.declare(id);
    const change = await this.agents.transaction(async (manager) => {
      const changed = await this.agents.register(manager, id, {
        capabilities: message.capabilities as Record<string, unknown> | undefined,
        labels: message.labels,
        daemonVersion: message.version,
      });
      if (!changed) return null;
      if (announcesOnline('register', changed.previousStatus)) await this.outbox.add(manager, AgentsEvent.Online, onlineEvent(changed.agent));
      return changed;
    });
    if (!change) {
      // Deleted while registering: take back the queue just declared for it.
      await this.queues.delete(id).catch(() => undefined);
      throw notFound(id);
    }
    const reconciliation = await reconcileHeldTasks(message.held_tasks ?? [], (held) => this.reconcile(id, held));
    if (reconciliation.fallback) {
      this.logger.warn({ msg: 'exercises did not reconcile held tasks; the agent keeps all it holds', agent_id: id, code: reconciliation.fallback });
    }
    this.logger.log({ msg: 'agent registered', agent_id: id, name: change.agent.name, was: change.previousStatus, held: message.held_tasks?.length ?? 0 });
    return registrationView(change.agent, this.settings, queue, reconciliation);
  }

  /** A beat keeps the agent online (and brings it back); `disconnecting` takes it offline at once. */
  async heartbeat(message: AgentHeartbeatMessage): Promise<AgentHeartbeatView> {
    const id = message.agent_id;
    const disconnecting = message.status === 'disconnecting';
    await this.agents.transaction(async (manager) => {
      const change = disconnecting
        ? await this.agents.disconnect(manager, id)
        : await this.agents.heartbeat(manager, id, message.capabilities as Record<string, unknown> | undefined);
      if (!change) throw notFound(id);
      if (disconnecting && announcesOffline(change.previousStatus)) {
        await this.outbox.add(manager, AgentsEvent.Offline, offlineEvent(change.agent, 'disconnect'));
        this.logger.log({ msg: 'agent disconnected', agent_id: id, name: change.agent.name });
      }
      if (!disconnecting && announcesOnline('heartbeat', change.previousStatus)) {
        await this.outbox.add(manager, AgentsEvent.Online, onlineEvent(change.agent));
        this.logger.log({ msg: 'agent back online', agent_id: id, name: change.agent.name });
      }
    });
    return { status: 'ok', agent_id: id, server_time: new Date().toISOString() };
  }

  private reconcile(agentId: string, held: HeldTask[]): Promise<ReconcileTasksView> {
    const request: ReconcileTasksMessage = { agent_id: agentId, held_tasks: held };
    return this.rpc.call<ReconcileTasksView>(TasksRpc.Reconcile, request, { timeoutMs: this.settings.reconcileTimeoutMs });
  }
}
