import { BeforeApplicationShutdown } from '@nestjs/common';
import type { JobView } from '@proctor/contracts';
import { MetricsService } from '@proctor/observability';
import type { FastifyReply } from 'fastify';
import { ServiceCaller } from '../http/service-caller';
import { JobLogFeed } from './job-log-feed';
import { JobLogStream } from './job-log-stream';
import { StreamStart } from './log-position';
import { SseConnection, SseCounters, SseSettings } from './sse-connection';

export interface OpenStreamOptions {
  /** `/submit-stream`: a `job_id` event first. */
  announceJobId: boolean;
  /** The job as just submitted: no need to read it again. */
  knownView?: JobView;
}

/**
 * Opens SSE streams of job logs and keeps track of them: they end when the gateway stops (the
 * clients may resume elsewhere by Last-Event-ID), and their numbers are metrics.
 */
export class JobLogStreams implements BeforeApplicationShutdown {
  private readonly streams = new Set<JobLogStream>();
  private readonly counters: SseCounters;

  constructor(
    private readonly feed: JobLogFeed,
    private readonly services: ServiceCaller,
    private readonly settings: SseSettings,
    metrics: MetricsService,
  ) {
    const clients = metrics.gauge('proctor_gateway_sse_clients', 'Open SSE streams of job logs');
    const frames = metrics.counter('proctor_gateway_sse_frames_total', 'SSE events written to clients (log, job_id, complete)');
    const dropped = metrics.counter('proctor_gateway_sse_dropped_total', 'SSE clients dropped for not reading their stream');
    this.counters = {
      opened: () => clients.inc(),
      closed: () => clients.dec(),
      framesSent: (count) => frames.inc(count),
      dropped: () => dropped.inc(),
    };
  }

  /**
   * Streams a job's log on `reply`. Everything that can refuse the request (the broker, an unknown
   * job) happens before the first header, so that it is answered with the error envelope.
   */
  async open(reply: FastifyReply, jobId: string, start: StreamStart, options: OpenStreamOptions): Promise<void> {
    const stream = new JobLogStream(jobId, start, this.services);
    await stream.prepare(this.feed, options.knownView);
    const out = new SseConnection(reply, this.settings, this.counters);
    this.streams.add(stream);
    out.onClose(() => this.streams.delete(stream));
    void stream.run(out, options.announceJobId);
  }

  get openStreams(): number {
    return this.streams.size;
  }

  beforeApplicationShutdown(): void {
    for (const stream of [...this.streams]) stream.stop();
  }
}
