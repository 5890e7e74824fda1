import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AgentOfflineEvent, AgentsEvent } from '@proctor/contracts';
import { OutboxWriter } from '@proctor/persistence';
import { AgentRepository } from '../agent/agent.repository';
import { offlineEvent } from './agent-presence';
import { PeriodicTask } from './periodic-task';
import { PRESENCE_SETTINGS } from './presence.constants';
import { PresenceSettings } from './presence-settings';

/**
 * Marks silent agents offline: every `AGENTS_SWEEP_INTERVAL_MS`, one UPDATE takes every online
 * agent silent for `AGENTS_OFFLINE_AFTER_SECONDS` offline, and `agents.agent.offline` (reason
 * `timeout`, with the last beat) goes to the outbox in the same transaction. Safe with several
 * replicas: the row lock lets exactly one of them mark each agent. Stops with the application.
 */
@Injectable()
export class OfflineMarker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OfflineMarker.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly agents: AgentRepository,
    private readonly outbox: OutboxWriter,
    @Inject(PRESENCE_SETTINGS) private readonly settings: PresenceSettings,
  ) {
    this.task = new PeriodicTask(settings.sweepIntervalMs, () => this.sweep(), (e) =>
      this.logger.warn({ msg: 'offline sweep failed, next one soon', error: (e as Error).message }),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One sweep; the events of the agents it marked. */
  async sweep(): Promise<AgentOfflineEvent[]> {
    const events = await this.agents.transaction(async (manager) => {
      const silent = await this.agents.markSilentOffline(manager, this.settings.offlineAfterSeconds);
      const offline = silent.map((agent) => offlineEvent(agent, 'timeout'));
      await this.outbox.addMany(manager, offline.map((payload) => ({ routingKey: AgentsEvent.Offline, payload })));
      return offline;
    });
    for (const e of events) this.logger.log({ msg: 'agent offline', reason: 'timeout', agent_id: e.agent_id, name: e.name, last_heartbeat: e.last_heartbeat });
    return events;
  }
}
