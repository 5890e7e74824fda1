import { AgentCapabilities, AgentHeartbeatRequest, AgentHeartbeatView } from '@proctor/contracts';
import { JsonLogger } from '@proctor/observability';
import { GatewayClient } from '../gateway/gateway-client';
import { GatewayError } from '../gateway/gateway-error';
import { serverClockOffsetMs } from '../tasks/task-deadline';

export interface HeartbeatLoopOptions {
  gateway: GatewayClient;
  logger: JsonLogger;
  intervalSeconds: number;
  offlineAfterSeconds: number;
  /** Capabilities re-probed since they were last delivered: sent with beats until one gets through. */
  newCapabilities(): AgentCapabilities | undefined;
  onCapabilitiesDelivered(capabilities: AgentCapabilities): void;
  onServerClock(offsetMs: number): void;
  /**
   * Beats got through again after a silence the server takes for offline: it has failed this
   * agent's tasks and may have forgotten its queue, so the daemon registers again.
   */
  onBackAfterSilence(silentMs: number): void;
}

const CONTEXT = 'Heartbeat';

/**
 * `POST /v1/agent/heartbeat` every interval (the registration's), each beat a new logical request
 * with its own Idempotency-Key; a beat retried within its interval reuses its key. Timed with
 * setTimeout after each beat, so a slow gateway never stacks beats.
 */
export class HeartbeatLoop {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private beating: Promise<void> = Promise.resolve();
  private lastDeliveredAt = Date.now();
  private failingSince?: number;
  private readonly abort = new AbortController();

  constructor(private options: HeartbeatLoopOptions) {}

  start(): void {
    this.lastDeliveredAt = Date.now();
    this.schedule();
  }

  /** New timing from a new registration answer. */
  retime(intervalSeconds: number, offlineAfterSeconds: number): void {
    this.options = { ...this.options, intervalSeconds, offlineAfterSeconds };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.beating;
  }

  /** The last beat: `disconnecting`, so the server marks the agent offline now rather than after a silence. */
  async goodbye(timeoutMs: number): Promise<void> {
    const body: AgentHeartbeatRequest = { status: 'disconnecting' };
    try {
      await this.options.gateway.post<AgentHeartbeatView>('/v1/agent/heartbeat', body, { maxAttempts: 2, timeoutMs: timeoutMs / 2 });
      this.options.logger.log({ msg: 'said goodbye: heartbeat disconnecting sent' }, CONTEXT);
    } catch (e) {
      this.options.logger.warn({ msg: 'could not send the disconnecting heartbeat', error: (e as Error).message }, CONTEXT);
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.beating = this.beat().finally(() => this.schedule());
    }, this.options.intervalSeconds * 1000);
  }

  private async beat(): Promise<void> {
    const { gateway, logger, intervalSeconds, offlineAfterSeconds } = this.options;
    const capabilities = this.options.newCapabilities();
    const body: AgentHeartbeatRequest = { status: 'online', ...(capabilities ? { capabilities } : {}) };
    const sentAt = Date.now();
    let view: AgentHeartbeatView;
    try {
      // A beat must not outlive its interval: the next one is the retry that matters.
      const timeoutMs = Math.max(1000, Math.min(5000, (intervalSeconds * 1000) / 2));
      view = await gateway.post<AgentHeartbeatView>('/v1/agent/heartbeat', body, { maxAttempts: 2, timeoutMs, signal: this.abort.signal });
    } catch (e) {
      const error = e instanceof GatewayError ? e : new GatewayError(null, 'internal', (e as Error).message);
      if (error.code === 'abandoned') return;
      if (this.failingSince === undefined) {
        this.failingSince = sentAt;
        logger.warn({ msg: 'heartbeat not delivered', status: error.status, code: error.code, error: error.message }, CONTEXT);
      }
      return;
    }
    const receivedAt = Date.now();
    if (capabilities) this.options.onCapabilitiesDelivered(capabilities);
    const offset = view && typeof view.server_time === 'string' ? serverClockOffsetMs(sentAt, receivedAt, view.server_time) : undefined;
    if (offset !== undefined) this.options.onServerClock(offset);
    const silentMs = sentAt - this.lastDeliveredAt;
    this.lastDeliveredAt = receivedAt;
    if (this.failingSince !== undefined) {
      this.failingSince = undefined;
      logger.log({ msg: 'heartbeats delivered again', silent_ms: silentMs }, CONTEXT);
      if (silentMs > offlineAfterSeconds * 1000) this.options.onBackAfterSilence(silentMs);
    }
  }
}
