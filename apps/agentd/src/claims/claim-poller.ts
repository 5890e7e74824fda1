import { ClaimTaskView, TaskAssignment } from '@proctor/contracts';
import { JsonLogger, MetricsService } from '@proctor/observability';
import { randomUUID } from 'node:crypto';
import { parseTaskAssignment } from '../commands/agent-command';
import { GatewayClient } from '../gateway/gateway-client';
import { GatewayError } from '../gateway/gateway-error';
import { shouldRetry } from '../gateway/retry-decision';
import { BrokerOutage } from './broker-outage';

export interface ClaimPollerOptions {
  gateway: GatewayClient;
  outage: BrokerOutage;
  intervalMs: number;
  /** A claimed task: the claim is its acceptance. */
  onTask(task: TaskAssignment): void;
  logger: JsonLogger;
  metrics: MetricsService;
}

const CONTEXT = 'Claims';
/** Claims in a row within one tick while the gateway has work: a burst drains fast, a bug cannot spin. */
const MAX_CLAIMS_PER_TICK = 16;

/**
 * The HTTP claim protocol, for while the broker is out of reach: every interval, `POST
 * /v1/agent/tasks/claim` until it answers `{"task": null}`. A claim whose answer was lost is sent
 * again with the same Idempotency-Key, so the task the gateway gave out is handed over again
 * rather than left accepted by nobody.
 */
export class ClaimPoller {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private claiming = false;
  private tick: Promise<void> = Promise.resolve();
  private pendingKey?: string;
  private readonly abort = new AbortController();
  private readonly claimMode: ReturnType<MetricsService['gauge']>;

  constructor(private readonly options: ClaimPollerOptions) {
    this.claimMode = options.metrics.gauge('proctor_agentd_http_claims', '1 while the daemon claims its tasks over HTTP (broker out of reach)');
    this.claimMode.set(0);
  }

  start(): void {
    this.schedule();
  }

  /** Stops polling; resolves once a claim in flight has been handed over. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.tick;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick = this.poll().finally(() => this.schedule());
    }, this.options.intervalMs);
  }

  private async poll(): Promise<void> {
    const { logger, outage } = this.options;
    const active = outage.claimOverHttp(Date.now());
    if (active !== this.claiming) {
      this.claiming = active;
      this.claimMode.set(active ? 1 : 0);
      logger.warn({ msg: active ? 'not consuming from the broker: claiming tasks over HTTP' : 'consuming from the broker again: HTTP claims stopped' }, CONTEXT);
    }
    if (!active) return;
    for (let i = 0; i < MAX_CLAIMS_PER_TICK && !this.stopped; i++) {
      const task = await this.claimOnce();
      if (!task) return;
      this.options.onTask(task);
    }
  }

  private async claimOnce(): Promise<TaskAssignment | undefined> {
    const { logger } = this.options;
    const key = (this.pendingKey ??= randomUUID());
    let view: ClaimTaskView;
    try {
      view = await this.options.gateway.post<ClaimTaskView>('/v1/agent/tasks/claim', {}, { idempotencyKey: key, maxAttempts: 2, signal: this.abort.signal });
    } catch (e) {
      const error = e instanceof GatewayError ? e : new GatewayError(null, 'internal', (e as Error).message);
      // No answer or a 5xx: the gateway may have handed a task out; ask again with the same key.
      if (error.status !== null && !shouldRetry({ kind: 'status', status: error.status, code: error.code })) this.pendingKey = undefined;
      if (error.code !== 'abandoned') logger.warn({ msg: 'claim failed', status: error.status, code: error.code, error: error.message }, CONTEXT);
      return undefined;
    }
    this.pendingKey = undefined;
    if (!view || view.task === null || view.task === undefined) return undefined;
    try {
      const task = parseTaskAssignment(view.task as unknown as Record<string, unknown>);
      logger.log({ msg: 'task claimed over HTTP', task_id: task.task_id, attempt: task.attempt, kind: task.kind }, CONTEXT);
      return task;
    } catch (e) {
      logger.error({ msg: 'claimed task is malformed and cannot run', error: (e as Error).message }, CONTEXT);
      return undefined;
    }
  }
}
