import { BeforeApplicationShutdown, DynamicModule, Global, Injectable, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { MetricsService, ReadinessService } from '@proctor/observability';
import { PERSISTENCE_OPTIONS, PersistenceOptions } from '@proctor/persistence';
import { DataSource } from 'typeorm';
import { AmqpConnection } from './connection/amqp-connection';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from './consuming/retry-policy';
import { MessagingTablePruner } from './outbox/messaging-table-pruner';
import { OutboxRelay } from './outbox/outbox-relay';
import { RpcClient } from './rpc/rpc-client';
import { AmqpTransport } from './server/amqp-transport';
import { BrokerNames } from './topology/broker-names';

export interface MessagingOptions {
  service: string;
  amqpUrl: string;
  namespace: string;
  rpcPrefetch?: number;
  eventPrefetch?: number;
  retry?: RetryPolicy;
  /** Publish this service's outbox and prune its outbox and inbox tables (needs PersistenceModule). */
  outbox?: boolean;
  /** How long sent outbox rows and inbox rows are kept (MESSAGING_RETENTION_HOURS). */
  retentionHours?: number;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

const DEFAULT_RETENTION_HOURS = 7 * 24;

/** Connects at start (before anything consumes), reports the broker to `/readyz`, closes last. */
@Injectable()
class MessagingLifecycle implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    private readonly connection: AmqpConnection,
    private readonly rpc: RpcClient,
    private readonly readiness: ReadinessService,
    @Optional() private readonly relay?: OutboxRelay,
    @Optional() private readonly pruner?: MessagingTablePruner,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.rpc.start();
    this.readiness.register('broker', async () => {
      if (!this.connection.isConnected) throw new Error('not connected to RabbitMQ');
    });
    await this.connection.connect();
    await this.relay?.start();
    this.pruner?.start();
  }

  /** The relay stops while the database is still open, so that its last pass can finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
    await this.pruner?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    const names = new BrokerNames(options.namespace);
    const connection = new AmqpConnection({ url: options.amqpUrl, name: `proctor-${options.service}` });
    const providers: DynamicModule['providers'] = [
      { provide: MESSAGING_OPTIONS, useValue: options },
      { provide: BrokerNames, useValue: names },
      { provide: AmqpConnection, useValue: connection },
      {
        provide: RpcClient,
        inject: [MetricsService],
        useFactory: (metrics: MetricsService) => new RpcClient(connection, names, metrics),
      },
      {
        provide: AmqpTransport,
        inject: [MetricsService],
        useFactory: (metrics: MetricsService) =>
          new AmqpTransport({
            service: options.service,
            connection,
            names,
            rpcPrefetch: options.rpcPrefetch ?? 100,
            eventPrefetch: options.eventPrefetch ?? 20,
            retry: options.retry ?? DEFAULT_RETRY_POLICY,
            metrics,
          }),
      },
      MessagingLifecycle,
    ];
    if (options.outbox) {
      providers.push({
        provide: OutboxRelay,
        inject: [DataSource, MetricsService, PERSISTENCE_OPTIONS],
        useFactory: (dataSource: DataSource, metrics: MetricsService, persistence: PersistenceOptions) =>
          new OutboxRelay(dataSource, connection, names, { schema: persistence.schema, databaseUrl: persistence.databaseUrl }, metrics),
      });
      providers.push({
        provide: MessagingTablePruner,
        inject: [DataSource, MetricsService],
        useFactory: (dataSource: DataSource, metrics: MetricsService) =>
          new MessagingTablePruner(dataSource, { retentionHours: options.retentionHours ?? DEFAULT_RETENTION_HOURS }, metrics),
      });
    }
    return {
      module: MessagingModule,
      providers,
      exports: [RpcClient, AmqpTransport, BrokerNames, AmqpConnection, ...(options.outbox ? [OutboxRelay] : [])],
    };
  }
}
