import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AmqpConnection, BatchConsumer, BrokerNames } from '@proctor/messaging';
import { MetricsService } from '@proctor/observability';
import { isTransientDatabaseError } from '@proctor/persistence';
import { JOBS_CONFIG, JobsConfig } from '../jobs-config';
import { JobLogChunkMessage } from './job-log-chunk.message';
import { JobLogService } from './job-log.service';

const MAX_BATCH = 200;
const MAX_WAIT_MS = 50;

/** The durable quorum queue log chunks wait in: `<ns>.jobs.logs`, bound to `proctor.logs` by `job.*`. */
export function jobLogsQueue(names: BrokerNames): string {
  return names.serviceQueue('jobs', 'logs');
}

/**
 * Persists what daemons publish on `proctor.logs`, in batches (one multi-row insert each, acked
 * after commit). An invalid chunk is dead-lettered with the reason; a database outage holds the
 * batch, never dead-letters it. Started before the service reports ready, stopped before the
 * database closes, so that the last batch commits.
 */
@Injectable()
export class JobLogConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: BatchConsumer<JobLogChunkMessage>;

  constructor(connection: AmqpConnection, names: BrokerNames, logs: JobLogService, @Inject(JOBS_CONFIG) config: JobsConfig, metrics: MetricsService) {
    this.consumer = new BatchConsumer<JobLogChunkMessage>({
      connection,
      names,
      queue: jobLogsQueue(names),
      bindings: [{ exchange: names.logsExchange, routingKey: 'job.*' }],
      // Twice a batch: the next one fills while the previous commits.
      prefetch: MAX_BATCH * 2,
      maxBatch: MAX_BATCH,
      maxWaitMs: MAX_WAIT_MS,
      payloadClass: JobLogChunkMessage,
      handler: (items) => logs.store(items),
      retry: config.reportRetry,
      isTransient: isTransientDatabaseError,
      metrics,
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }
}
