import { DynamicModule, Module } from '@nestjs/common';
import { AmqpConnection, BrokerNames, RpcClient } from '@proctor/messaging';
import { MetricsService } from '@proctor/observability';
import { ServiceCaller } from '../http/service-caller';
import { JobLogFeed } from './job-log-feed';
import { JobLogStreams } from './job-log-streams';
import { SseSettings } from './sse-connection';

/** Live job logs: the feed from `proctor.logs` and the SSE streams built on it. */
@Module({})
export class JobLogsModule {
  static forRoot(options: { sse: SseSettings; rpcTimeoutMs: number }): DynamicModule {
    return {
      module: JobLogsModule,
      providers: [
        { provide: JobLogFeed, inject: [AmqpConnection, BrokerNames], useFactory: (connection: AmqpConnection, names: BrokerNames) => new JobLogFeed(connection, names) },
        {
          provide: JobLogStreams,
          inject: [JobLogFeed, RpcClient, MetricsService],
          useFactory: (feed: JobLogFeed, rpc: RpcClient, metrics: MetricsService) => new JobLogStreams(feed, new ServiceCaller(rpc, options.rpcTimeoutMs), options.sse, metrics),
        },
      ],
      exports: [JobLogStreams],
    };
  }
}
