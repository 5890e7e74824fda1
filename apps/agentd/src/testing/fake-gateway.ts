import {
  AgentHeartbeatRequest,
  AgentRegistrationView,
  ClaimJobMessage,
  HeldTask,
  JobClaimView,
  ReconcileJobsMessage,
  RegisterAgentRequest,
  TaskAssignment,
  TaskResultRequest,
  TaskStartedRequest,
  validationDetails,
} from '@proctor/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** One call as the gateway received it. */
export interface RecordedCall {
  path: string;
  agentName: string | undefined;
  agentKey: string | undefined;
  apiVersion: string | undefined;
  idempotencyKey: string | undefined;
  body: Record<string, unknown>;
  status: number;
  at: number;
}

interface ForcedAnswer {
  status: number;
  body: object;
  /** How many calls it answers; undefined: all of them. */
  times?: number;
}

/**
 * The gateway's agent protocol as the contracts describe it, on 127.0.0.1, for agentd's tests:
 * it records every call with its headers, validates bodies against the contract's classes as the
 * gateway does (unknown fields refused), answers register / heartbeat / claim / started / result
 * and the job claim and reconcile, and replays the first answer to a repeated Idempotency-Key, as
 * the real gateway does.
 */
export class FakeGateway {
  readonly calls: RecordedCall[] = [];
  /** What claims hand out, first first. */
  readonly claimable: TaskAssignment[] = [];
  heartbeatIntervalSeconds = 1;
  offlineAfterSeconds = 3;
  /** The registration answer's keep/drop for the held tasks; default: keep them all. */
  reconcile: (held: HeldTask[]) => { keep: HeldTask[]; drop: HeldTask[] } = (held) => ({ keep: held, drop: [] });
  /** Jobs offered to this agent, by id: what a claim of that attempt answers (409 for another attempt). */
  readonly offeredJobs = new Map<string, JobClaimView>();
  private readonly forced = new Map<string, ForcedAnswer>();
  private readonly answered = new Map<string, { status: number; body: object }>();
  private server?: Server;
  url = '';

  /** The agent it knows: its name and key, the id it answers with, and its queue. */
  constructor(
    readonly name: string,
    readonly key: string,
    readonly agentId: string,
    readonly queue: string,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Answers calls whose path starts with `prefix` with this status and body (`times` times, or always). */
  force(prefix: string, status: number, body: object, times?: number): void {
    this.forced.set(prefix, { status, body, ...(times === undefined ? {} : { times }) });
  }

  unforce(prefix: string): void {
    this.forced.delete(prefix);
  }

  callsTo(prefix: string): RecordedCall[] {
    return this.calls.filter((c) => c.path.startsWith(prefix));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
    const call: RecordedCall = {
      path,
      agentName: header('x-agent-name'),
      agentKey: header('x-agent-key'),
      apiVersion: header('x-api-version'),
      idempotencyKey: header('idempotency-key'),
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      status: 0,
      at: Date.now(),
    };
    this.calls.push(call);
    const answer = this.answer(req.method ?? 'GET', call);
    call.status = answer.status;
    res.writeHead(answer.status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  }

  /** As the jobs service answers `jobs.claim`: the offered attempt once, then a state conflict. */
  private claimJob(jobId: string, attempt: number): { status: number; body: object } {
    const offer = this.offeredJobs.get(jobId);
    if (!offer) return error(404, 'job_not_found', `no job ${jobId}`);
    if (offer.attempt !== attempt) return error(409, 'job_attempt_stale', `attempt ${attempt} is not the job's current one`);
    this.offeredJobs.delete(jobId);
    return { status: 200, body: offer };
  }

  private validate(call: RecordedCall): Record<string, string[]> | undefined {
    const found = BODIES.find(([path]) => path.test(call.path));
    if (!found) return undefined;
    const [path, dto, asRpc] = found;
    // Validated as the RPC message the gateway makes of the body: the agent and the path's id added.
    const id = asRpc ? path.exec(call.path)?.[1] : undefined;
    const body = asRpc ? { ...call.body, agent_id: this.agentId, ...(id ? { job_id: decodeURIComponent(id) } : {}) } : call.body;
    const errors = validateSync(plainToInstance(dto, body), { whitelist: true, forbidNonWhitelisted: true });
    return errors.length > 0 ? validationDetails(errors) : undefined;
  }

  private answer(method: string, call: RecordedCall): { status: number; body: object } {
    for (const [prefix, forced] of this.forced) {
      if (!call.path.startsWith(prefix)) continue;
      if (forced.times !== undefined && --forced.times <= 0) this.forced.delete(prefix);
      return { status: forced.status, body: forced.body };
    }
    if (method !== 'POST') return error(405, 'method_not_allowed', 'POST only');
    if (call.agentName !== this.name || call.agentKey !== this.key) return error(401, 'agent_key_invalid', 'bad agent name or key');
    if (!call.idempotencyKey) return error(400, 'idempotency_key_required', 'Idempotency-Key is required');
    const replay = this.answered.get(`${call.path} ${call.idempotencyKey}`);
    if (replay) return replay;
    const fresh = this.route(call);
    if (fresh.status < 500) this.answered.set(`${call.path} ${call.idempotencyKey}`, fresh);
    return fresh;
  }

  private route(call: RecordedCall): { status: number; body: object } {
    const invalid = this.validate(call);
    if (invalid) return { status: 400, body: { error: 'validation_failed', message: 'the request is not valid', details: { fields: invalid } } };
    if (call.path === '/v1/agent/register') {
      const held = (call.body.held_tasks as HeldTask[] | undefined) ?? [];
      const view: AgentRegistrationView = {
        agent_id: this.agentId,
        name: this.name,
        heartbeat_interval_seconds: this.heartbeatIntervalSeconds,
        offline_after_seconds: this.offlineAfterSeconds,
        queue: this.queue,
        ...this.reconcile(held),
      };
      return { status: 200, body: view };
    }
    if (call.path === '/v1/agent/heartbeat') return { status: 200, body: { status: 'ok', agent_id: this.agentId, server_time: new Date().toISOString() } };
    if (call.path === '/v1/agent/tasks/claim') return { status: 200, body: { task: this.claimable.shift() ?? null } };
    if (/^\/v1\/agent\/tasks\/[^/]+\/(started|result)$/.test(call.path)) return { status: 200, body: { status: 'ok' } };
    // The jobs the agent had and does not hold: the fake offers none outside a test's claim.
    if (call.path === '/v1/agent/jobs/reconcile') return { status: 200, body: { lost: [] } };
    const claim = /^\/v1\/agent\/jobs\/([^/]+)\/claim$/.exec(call.path);
    if (claim) return this.claimJob(decodeURIComponent(claim[1]), call.body.attempt as number);
    return error(404, 'not_found', `no route ${call.path}`);
  }
}

/**
 * The contract class of each route's body (a task claim has none); `true`: the class is the RPC
 * message, which the gateway makes of the body by adding the agent (and the job of the path).
 */
const BODIES: [RegExp, new () => object, boolean][] = [
  [/^\/v1\/agent\/register$/, RegisterAgentRequest, false],
  [/^\/v1\/agent\/heartbeat$/, AgentHeartbeatRequest, false],
  [/^\/v1\/agent\/tasks\/[^/]+\/started$/, TaskStartedRequest, false],
  [/^\/v1\/agent\/tasks\/[^/]+\/result$/, TaskResultRequest, false],
  [/^\/v1\/agent\/jobs\/([^/]+)\/claim$/, ClaimJobMessage, true],
  [/^\/v1\/agent\/jobs\/reconcile$/, ReconcileJobsMessage, true],
];

function error(status: number, code: string, message: string): { status: number; body: object } {
  return { status, body: { error: code, message, details: {} } };
}
