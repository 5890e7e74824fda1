import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { FleetReport, HeartbeatMessage } from '@proctor/contracts';
import { AmqpConnection, BatchConsumer, BrokerNames } from '@proctor/messaging';
import { MetricsService } from '@proctor/observability';
import { isTransientDatabaseError } from '@proctor/persistence';
import { FLEET_CONFIG, FleetConfig } from '../fleet-config';
import { HeartbeatIngestService } from './heartbeat-ingest.service';
import { readHeartbeats } from './heartbeat-message-reading';

/** The durable queue heartbeats wait in: `<ns>.fleet.heartbeats`, bound to `proctor.reports` by `device.heartbeat`. */
export function heartbeatQueue(names: BrokerNames): string {
  return names.serviceQueue('fleet', 'heartbeats');
}

/**
 * Consumes heartbeats published by the gateway, in batches of messages, each message carrying one
 * heartbeat or a batch of them (readHeartbeats). The queue is declared and bound while
 * the service starts (before it reports ready), so a gateway never publishes a heartbeat that no
 * queue takes. It stops before anything closes: BeforeApplicationShutdown runs ahead of every
 * OnApplicationShutdown, where the broker connection and the database pool are closed, so the last
 * batch can still commit and be acked.
 */
@Injectable()
export class HeartbeatConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: BatchConsumer<HeartbeatMessage[]>;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly names: BrokerNames,
    private readonly ingest: HeartbeatIngestService,
    private readonly metrics: MetricsService,
    @Inject(FLEET_CONFIG) private readonly config: FleetConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new BatchConsumer<HeartbeatMessage[]>({
      connection: this.connection,
      names: this.names,
      queue: heartbeatQueue(this.names),
      bindings: [{ exchange: this.names.reportsExchange, routingKey: FleetReport.Heartbeat }],
      // Counted in messages, each carrying one heartbeat or many: bounded so that a backlog cannot flood the memory.
      prefetch: this.config.heartbeatPrefetch,
      maxBatch: this.config.heartbeatBatchSize,
      maxWaitMs: this.config.heartbeatBatchWaitMs,
      payloadCheck: readHeartbeats,
      // A batch holds at most heartbeatBatchSize heartbeats, however many messages carry them.
      itemsOf: (heartbeats) => heartbeats.length,
      handler: (items) => this.ingest.ingest(items),
      retry: this.config.heartbeatRetry,
      isTransient: isTransientDatabaseError,
      metrics: this.metrics,
    });
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
