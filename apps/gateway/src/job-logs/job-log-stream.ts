import { Logger } from '@nestjs/common';
import { JobFinishedEvent, JobLogsRequest, JobLogsView, JobsRpc, JobView, TERMINAL_JOB_STATUSES } from '@proctor/contracts';
import { ServiceCaller } from '../http/service-caller';
import { JobLogFeed, LiveLogSubscriber } from './job-log-feed';
import { LiveChunk } from './live-log-message';
import { LOG_START, LogPosition, StreamStart } from './log-position';
import { LogStreamCursor } from './log-stream-cursor';
import { SseConnection } from './sse-connection';
import { completeFrame, jobIdFrame, logFrame } from './sse-frames';

/** Chunks asked of `jobs.logs` at once. */
const LOG_PAGE = 1000;
/** How long a stream waits for the jobs service to store a chunk it knows exists (seen live, before one stored, or up to the last one of a finished run). */
const STORE_PATIENCE_MS = 30_000;
const STORE_RETRY_FIRST_MS = 50;
const STORE_RETRY_MAX_MS = 1000;
/**
 * After the live feed was lost, the chunks published meanwhile reached no gateway queue and may
 * still be on their way into the store (the jobs service writes them in batches): the store is read
 * again after each of these delays, so that they arrive even if the job prints nothing more.
 */
const RESYNC_REREADS_MS = [250, 1000, 3000];

type LiveEvent = { kind: 'chunk'; live: LiveChunk } | { kind: 'finished'; event: JobFinishedEvent } | { kind: 'resync' };

const isTerminal = (view: { status: JobView['status'] }) => TERMINAL_JOB_STATUSES.includes(view.status);

/**
 * One SSE client of one job. The order of work makes it gapless: subscribe to the live feed first
 * (what comes is buffered), then read the job, then replay what is stored, then the buffered and
 * live chunks, each through a cursor that sends every chunk once, in order, and fills a gap from
 * the store. Live chunks are handled as they come while nothing is being read from the store;
 * meanwhile they wait in order. Complete once the job is finished and all its output is sent.
 */
export class JobLogStream implements LiveLogSubscriber {
  private readonly logger = new Logger('JobLogStream');
  private readonly cursor: LogStreamCursor;
  private readonly pending: LiveEvent[] = [];
  private busy = true;
  private done = false;
  private unsubscribe?: () => void;
  private view?: JobView;
  private out?: SseConnection;
  private rereads: NodeJS.Timeout[] = [];

  constructor(
    readonly jobId: string,
    private readonly start: StreamStart,
    private readonly services: ServiceCaller,
  ) {
    this.cursor = new LogStreamCursor(start);
  }

  /** Before any SSE header: follow the feed, then read the job (an unknown job is a 404 envelope). */
  async prepare(feed: JobLogFeed, knownView?: JobView): Promise<void> {
    this.unsubscribe = await feed.subscribe(this.jobId, this);
    try {
      this.view = knownView ?? (await this.services.call<JobView>(JobsRpc.Get, { id: this.jobId }));
    } catch (e) {
      this.unsubscribe();
      throw e;
    }
  }

  /** The response is open: replay, then follow until complete (or until the client leaves). */
  run(out: SseConnection, announceJobId: boolean): Promise<void> {
    this.out = out;
    out.onClose(() => this.stop());
    if (announceJobId) out.write(jobIdFrame(this.jobId));
    return this.exclusive(() => this.begin());
  }

  /** Ends the stream without the complete event (client gone, gateway stopping, store unreachable). */
  stop(): void {
    if (this.done) return;
    this.done = true;
    this.pending.length = 0;
    this.clearRereads();
    this.unsubscribe?.();
    this.out?.end();
  }

  onChunk(live: LiveChunk): void {
    this.deliver({ kind: 'chunk', live });
  }

  onFinished(event: JobFinishedEvent): void {
    this.deliver({ kind: 'finished', event });
  }

  onResync(): void {
    this.deliver({ kind: 'resync' });
    this.clearRereads();
    // Nothing sent yet (a stream from now on): the first resync's look at the job is all it needs.
    if (this.cursor.position === null) return;
    // Spread out: after a reconnect every open stream rereads, and not all in the same millisecond.
    this.rereads = RESYNC_REREADS_MS.map((ms) => setTimeout(() => this.deliver({ kind: 'resync' }), ms * (0.7 + 0.6 * Math.random())));
  }

  private clearRereads(): void {
    for (const timer of this.rereads) clearTimeout(timer);
    this.rereads = [];
  }

  private async begin(): Promise<void> {
    const view = this.view as JobView;
    if (this.start.from !== 'now') return this.fillFromStore(null);
    // From now on a finished job: nothing new will come.
    if (isTerminal(view)) this.finishWith({ last: LOG_START, success: view.success ?? false, status: view.status });
  }

  private deliver(event: LiveEvent): void {
    if (this.done) return;
    if (this.busy) this.pending.push(event);
    else this.handle(event);
  }

  private handle(event: LiveEvent): void {
    switch (event.kind) {
      case 'chunk': {
        const decision = this.cursor.decide(event.live.chunk);
        if (decision.action === 'send') this.sendLive(event.live);
        else if (decision.action === 'fill') {
          void this.exclusive(async () => {
            await this.fillFromStore(decision.until);
            // Still not next: the store never got what came before it, and the stream goes on past the gap.
            if (this.cursor.decide(event.live.chunk).action !== 'skip') this.sendLive(event.live);
          });
        }
        return;
      }
      case 'finished': {
        const { attempt, last_seq, success, status } = event.event;
        this.cursor.finish({ last: { attempt, seq: last_seq }, success, status });
        if (this.cursor.isComplete()) return this.complete();
        void this.exclusive(() => this.fillFromStore(null));
        return;
      }
      case 'resync':
        void this.exclusive(() => this.resync());
        return;
    }
  }

  /** Reads the store while live events wait; then handles them in order. A failure ends the stream. */
  private async exclusive(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await work();
    } catch (e) {
      this.logger.warn({ msg: 'log stream ended early', job_id: this.jobId, error: (e as Error).message });
      this.stop();
      return;
    }
    this.busy = false;
    while (!this.busy && !this.done && this.pending.length > 0) this.handle(this.pending.shift() as LiveEvent);
  }

  /** After the live feed was lost: read what was missed (and whether the job ended meanwhile). */
  private async resync(): Promise<void> {
    if (this.cursor.position !== null) return this.fillFromStore(null);
    const view = await this.services.call<JobView>(JobsRpc.Get, { id: this.jobId });
    if (isTerminal(view)) this.finishWith({ last: LOG_START, success: view.success ?? false, status: view.status });
  }

  /**
   * Sends stored chunks after the cursor, in order and without a hole, page by page, until `until`
   * is covered (null: what is stored), or, once the job is known to be finished, until its last
   * chunk; then completes the stream if it is finished. When the store is behind what is known to
   * exist (a chunk seen live, the last one of a finished run, a hole in a batch not yet stored) it
   * asks again shortly. Past STORE_PATIENCE_MS it stops waiting for what never came (logged):
   * going on with a gap beats a stream stuck for good.
   */
  private async fillFromStore(until: LogPosition | null): Promise<void> {
    let patience = this.newPatience();
    for (;;) {
      const after = this.cursor.position ?? LOG_START;
      const request: JobLogsRequest = { id: this.jobId, after_attempt: after.attempt, after_seq: after.seq, limit: LOG_PAGE };
      const page = await this.services.call<JobLogsView>(JobsRpc.Logs, request);
      if (this.done) return;
      let hole = false;
      for (const chunk of page.chunks) {
        if (!this.cursor.isNew(chunk)) continue;
        if (!this.cursor.follows(chunk) && !patience.exhausted()) {
          hole = true;
          break;
        }
        if (!this.cursor.follows(chunk)) this.logger.warn({ msg: 'log stream goes on past a chunk the store never had', job_id: this.jobId, after, next: chunk.seq });
        if (!this.out?.write(logFrame(chunk))) return;
        this.cursor.sent(chunk);
        patience = this.newPatience();
      }
      if (isTerminal(page)) this.cursor.finish({ last: page.last ?? after, success: page.success ?? false, status: page.status });
      if (!hole && page.more) continue;
      const goal = this.cursor.ending?.last ?? until;
      if (!hole && (goal === null || this.cursor.covers(goal))) break;
      if (!hole && patience.exhausted()) {
        this.logger.warn({ msg: 'log stream stops waiting for chunks the store does not have', job_id: this.jobId, goal, position: this.cursor.position });
        break;
      }
      await patience.pause();
    }
    if (this.cursor.ending) this.complete();
  }

  /** Waits between reads of a store that is behind, with backoff, for STORE_PATIENCE_MS at most. */
  private newPatience() {
    const deadline = Date.now() + STORE_PATIENCE_MS;
    let retryMs = STORE_RETRY_FIRST_MS;
    return {
      exhausted: () => Date.now() > deadline,
      pause: async () => {
        await new Promise((r) => setTimeout(r, retryMs));
        retryMs = Math.min(retryMs * 2, STORE_RETRY_MAX_MS);
      },
    };
  }

  private sendLive(live: LiveChunk): void {
    if (!this.out?.write(live.frame)) return;
    this.cursor.sent(live.chunk);
    if (this.cursor.isComplete()) this.complete();
  }

  private finishWith(ending: Parameters<LogStreamCursor['finish']>[0]): void {
    this.cursor.finish(ending);
    if (this.cursor.isComplete()) this.complete();
  }

  private complete(): void {
    const ending = this.cursor.ending;
    if (this.done || !ending) return;
    this.out?.write(completeFrame(ending.success, ending.status));
    this.stop();
  }
}
