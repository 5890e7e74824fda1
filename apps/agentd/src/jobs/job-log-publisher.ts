import { AGENT_ID_HEADER, HeldJob, jobLogRoutingKey, JobLogMessage } from '@proctor/contracts';
import { backoffDelay, ConfirmPublisher } from '@proctor/messaging';
import { JsonLogger } from '@proctor/observability';
import { setTimeout as sleep } from 'node:timers/promises';
import { withConfirmDeadline } from '../reporting/confirm-deadline';

export interface JobLogPublisherOptions {
  job: HeldJob;
  agentId: string;
  publisher: ConfirmPublisher;
  exchange: string;
  logger: JsonLogger;
  confirmTimeoutMs: number;
  /**
   * Chunks held while the broker does not take them. Above this the output is paused (the
   * container's writes block) until the backlog is down to half: nothing is dropped.
   */
  maxBufferedBytes: number;
  onPressure(paused: boolean): void;
  onPublished(): void;
}

const CONTEXT = 'JobLogs';
/** Between retries of a chunk the broker did not confirm: short, output is watched live. */
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 1000;

/**
 * One run's log chunks on `proctor.logs` (routing key `job.<id>`): numbered 1, 2, 3... as they are
 * cut, published one at a time in that order, persistent and confirmed. A chunk the broker does not
 * confirm (away, slow, refusing) is published again, with its number, until it is: the next never
 * overtakes it, so readers see no gap and the jobs service keeps each number once.
 */
export class JobLogPublisher {
  private readonly queue: JobLogMessage[] = [];
  private bufferedBytes = 0;
  private seq = 0;
  private pumping?: Promise<void>;
  private idle?: Promise<boolean>;
  private paused = false;
  private failing = false;
  private readonly stopping = new AbortController();

  constructor(private readonly options: JobLogPublisherOptions) {}

  /** Numbers a chunk and queues it for publishing. */
  add(data: string): void {
    const { job } = this.options;
    this.queue.push({ job_id: job.job_id, attempt: job.attempt, seq: ++this.seq, data, at: new Date().toISOString() });
    this.bufferedBytes += Buffer.byteLength(data);
    if (!this.paused && this.bufferedBytes > this.options.maxBufferedBytes) {
      this.paused = true;
      this.options.logger.warn({ msg: 'job output paused: the broker is not taking its log chunks', job_id: job.job_id, buffered_bytes: this.bufferedBytes }, CONTEXT);
      this.options.onPressure(true);
    }
    this.kick();
  }

  /** The number of the last chunk cut (0: the run printed nothing). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Resolves true once every chunk is confirmed, false if `timeoutMs` passes first. */
  async flush(timeoutMs = Infinity): Promise<boolean> {
    // One wait shared by every caller: a caller polling through a long outage adds nothing.
    this.idle ??= (async () => {
      while (this.pumping) await this.pumping;
      return this.queue.length === 0;
    })().finally(() => (this.idle = undefined));
    if (!Number.isFinite(timeoutMs)) return this.idle;
    return Promise.race([this.idle, sleep(timeoutMs, false, { ref: false })]);
  }

  /** Gives up on the chunks not yet confirmed (the daemon is going away). */
  abandon(): void {
    this.stopping.abort();
  }

  private kick(): void {
    if (this.pumping || this.stopping.signal.aborted) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      // A chunk added while the loop was ending.
      if (this.queue.length > 0) this.kick();
    });
  }

  private async pump(): Promise<void> {
    const { logger, job } = this.options;
    for (let failures = 0; this.queue.length > 0 && !this.stopping.signal.aborted; ) {
      const chunk = this.queue[0];
      try {
        await this.publish(chunk);
      } catch (e) {
        if (!this.failing) {
          this.failing = true;
          logger.warn({ msg: 'log chunk not confirmed by the broker, retrying it', job_id: job.job_id, attempt: job.attempt, seq: chunk.seq, error: (e as Error).message }, CONTEXT);
        }
        const stopped = await sleep(backoffDelay(failures++, RETRY_BASE_MS, RETRY_MAX_MS), false, { signal: this.stopping.signal }).catch(() => true);
        if (stopped) return;
        continue;
      }
      failures = 0;
      if (this.failing) {
        this.failing = false;
        logger.log({ msg: 'log chunks confirmed again', job_id: job.job_id, attempt: job.attempt, seq: chunk.seq }, CONTEXT);
      }
      this.queue.shift();
      this.bufferedBytes -= Buffer.byteLength(chunk.data);
      this.options.onPublished();
      if (this.paused && this.bufferedBytes <= this.options.maxBufferedBytes / 2) {
        this.paused = false;
        this.options.onPressure(false);
      }
    }
  }

  private publish(chunk: JobLogMessage): Promise<void> {
    const { publisher, exchange, agentId, confirmTimeoutMs } = this.options;
    const published = publisher.publish(exchange, jobLogRoutingKey(chunk.job_id), Buffer.from(JSON.stringify(chunk)), {
      messageId: `${chunk.job_id}/${chunk.attempt}/${chunk.seq}`,
      persistent: true,
      contentType: 'application/json',
      timestamp: Math.floor(Date.now() / 1000),
      type: 'job.log',
      appId: 'agentd',
      headers: { [AGENT_ID_HEADER]: agentId },
    });
    return withConfirmDeadline(published, confirmTimeoutMs);
  }
}
