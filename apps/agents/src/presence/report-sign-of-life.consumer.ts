import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AGENT_REPORT_PATTERNS } from '@proctor/contracts';
import { AmqpConnection, BatchConsumer, BatchItem, BrokerNames } from '@proctor/messaging';
import { MetricsService } from '@proctor/observability';
import { AgentRepository } from '../agent/agent.repository';
import { PRESENCE_SETTINGS } from './presence.constants';
import { PresenceSettings } from './presence-settings';
import { agentsAlive } from './sign-of-life';

/**
 * Every report a daemon publishes (`proctor.reports`, any routing key) is a sign of life: the queue
 * `agents.reports` receives them all, and each batch bumps the last beat of the agents named by their
 * `x-agent-id` header, in one UPDATE, acked after commit. Only the header is used; the reports
 * themselves belong to the services that own them. A failure here can only be the database's, so a
 * batch is held and retried, never dead-lettered for it.
 */
@Injectable()
export class ReportSignOfLifeConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: BatchConsumer<object>;

  constructor(
    connection: AmqpConnection,
    names: BrokerNames,
    metrics: MetricsService,
    private readonly agents: AgentRepository,
    @Inject(PRESENCE_SETTINGS) settings: PresenceSettings,
  ) {
    const { maxBatch, maxWaitMs } = settings.reportsBatch;
    this.consumer = new BatchConsumer<object>({
      connection,
      names,
      queue: names.serviceQueue('agents', 'reports'),
      // What agent daemons report (tasks, and jobs and sync chunks later); not device heartbeats.
      bindings: AGENT_REPORT_PATTERNS.map((routingKey) => ({ exchange: names.reportsExchange, routingKey })),
      prefetch: maxBatch * 2,
      maxBatch,
      maxWaitMs,
      handler: (items) => this.apply(items),
      isTransient: () => true,
      metrics,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }

  private async apply(items: BatchItem<object>[]): Promise<void> {
    await this.agents.touchOnline(agentsAlive(items.map((item) => item.headers)));
  }
}
