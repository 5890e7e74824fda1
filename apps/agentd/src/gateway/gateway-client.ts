import { HeldJob, ReconcileJobsView } from '@proctor/contracts';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentExit, agentExitFor } from './agent-exit';
import { GatewayError } from './gateway-error';
import { CallOutcome, retryDelayMs, shouldRetry } from './retry-decision';

/** The agent protocol version this daemon speaks (`X-API-Version`). */
export const AGENT_API_VERSION = '1';

export interface GatewayClientOptions {
  baseUrl: string;
  name: string;
  /** Sent as X-AGENT-KEY; never logged, never part of an error. */
  key: string;
  /** Per attempt. */
  timeoutMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Called before the error is thrown when an answer means the daemon must stop (404, 426). */
  onAgentExit?: (exit: AgentExit) => void;
}

export interface CallOptions {
  /** One logical request has one key: every retry of it reuses the key. A fresh UUID when absent. */
  idempotencyKey?: string;
  maxAttempts?: number;
  timeoutMs?: number;
  /** Abandons the call (and its retries) when the daemon stops. */
  signal?: AbortSignal;
}

type AttemptResult = { ok: true; value: unknown } | { ok: false; error: GatewayError; outcome: CallOutcome; retryAfter: string | null };

/**
 * The agent side of the gateway's `/v1/agent/*` protocol: credential and version headers on every
 * call, an Idempotency-Key per logical request, a timeout per attempt, and retries with backoff
 * for what may be transient (network, timeout, 5xx), never for the other 4xx.
 */
export class GatewayClient {
  private readonly base: string;

  constructor(private readonly options: GatewayClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  async post<T>(path: string, body: object, call: CallOptions = {}): Promise<T> {
    const key = call.idempotencyKey ?? randomUUID();
    const maxAttempts = call.maxAttempts ?? this.options.maxAttempts ?? 4;
    const timeoutMs = call.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const headers = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'X-AGENT-NAME': this.options.name,
      'X-AGENT-KEY': this.options.key,
      'X-API-Version': AGENT_API_VERSION,
      'Idempotency-Key': key,
    };
    const text = JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      const result = await this.attempt(`${this.base}${path}`, headers, text, timeoutMs, call.signal);
      if (result.ok) return result.value as T;
      const exit = agentExitFor(result.error);
      if (exit) {
        this.options.onAgentExit?.(exit);
        throw result.error;
      }
      if (!shouldRetry(result.outcome) || attempt + 1 >= maxAttempts) throw result.error;
      const delay = retryDelayMs(attempt, this.options.retryBaseMs ?? 250, this.options.retryMaxMs ?? 5000, result.retryAfter);
      await sleep(delay, undefined, { signal: call.signal }).catch(() => {
        throw abandoned();
      });
    }
  }

  /**
   * `POST /v1/agent/jobs/{id}/claim`: takes the job this agent was offered. The answer (the job's
   * spec and signed URLs) is for the caller to check; a 409 or 404 means: do not run it.
   */
  claimJob(jobId: string, attempt: number, call: CallOptions): Promise<unknown> {
    return this.post<unknown>(`/v1/agent/jobs/${encodeURIComponent(jobId)}/claim`, { attempt }, call);
  }

  /** `POST /v1/agent/jobs/reconcile`: the jobs this daemon holds; those of its jobs it does not are lost. */
  reconcileJobs(held: HeldJob[], call: CallOptions = {}): Promise<ReconcileJobsView | undefined> {
    return this.post<ReconcileJobsView | undefined>('/v1/agent/jobs/reconcile', { held }, call);
  }

  private async attempt(url: string, headers: Record<string, string>, body: string, timeoutMs: number, signal?: AbortSignal): Promise<AttemptResult> {
    if (signal?.aborted) throw abandoned();
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { method: 'POST', headers, body, signal: signal ? AbortSignal.any([timeout, signal]) : timeout });
      text = await response.text();
    } catch (e) {
      if (signal?.aborted) throw abandoned();
      if (timeout.aborted) {
        return { ok: false, outcome: { kind: 'timeout' }, retryAfter: null, error: new GatewayError(null, 'timeout', `no answer from the gateway within ${timeoutMs} ms`) };
      }
      const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
      const detail = cause?.code ?? cause?.message ?? (e as Error).message;
      return { ok: false, outcome: { kind: 'network' }, retryAfter: null, error: new GatewayError(null, 'unreachable', `gateway unreachable: ${detail}`) };
    }
    if (response.ok) {
      try {
        return { ok: true, value: text === '' ? undefined : (JSON.parse(text) as unknown) };
      } catch {
        return { ok: false, outcome: { kind: 'status', status: 502 }, retryAfter: null, error: new GatewayError(502, 'bad_answer', 'the gateway answered 2xx with a body that is not JSON') };
      }
    }
    const error = GatewayError.fromAnswer(response.status, text);
    return { ok: false, outcome: { kind: 'status', status: response.status, code: error.code }, retryAfter: response.headers.get('retry-after'), error };
  }
}

function abandoned(): GatewayError {
  return new GatewayError(null, 'abandoned', 'call abandoned: the daemon is stopping');
}
