import { INestApplication } from '@nestjs/common';
import { secretDigest } from '@proctor/auth';
import { EnvReader } from '@proctor/config';
import { AgentsRpc, ExercisesRpc, PortsRpc, TasksRpc } from '@proctor/contracts';
import { BrokerNames, portOf } from '@proctor/messaging';
import { JsonLogger } from '@proctor/observability';
import { pendingSchemaChanges } from '@proctor/persistence';
import { createTestDatabase, deleteBrokerNames, namespaceBrokerNames, TEST_AMQP_URL, TestDatabase, testNamespace } from '@proctor/testing';
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { startGateway } from '../gateway-bootstrap';
import { readGatewayConfig } from '../gateway-config';
import { IdempotencyCleanup } from '../idempotency/idempotency-cleanup';

const AGENT_A = { id: randomUUID(), name: 'lab-a1', key: 'pak_key-of-a1' };
const AGENT_B = { id: randomUUID(), name: 'lab-b1', key: 'pak_key-of-b1' };
const DELETED = { name: 'lab-gone', key: 'pak_key-of-gone' };
const SLOW_TASK = randomUUID();
const CONFLICTED_TASK = randomUUID();

type Reply = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string; details?: object } };

/**
 * Stand-ins for the agents and exercises services on the broker: they answer each pattern as the
 * real ones would, and record every request they get, so that a test can count what was applied.
 */
async function startStandIns(broker: amqp.ChannelModel, names: BrokerNames) {
  const calls: { pattern: string; payload: Record<string, unknown> }[] = [];
  const answer = (pattern: string, payload: Record<string, unknown>): { reply: Reply; delayMs?: number } => {
    switch (pattern) {
      case AgentsRpc.Authenticate: {
        const agent = [AGENT_A, AGENT_B].find((a) => a.name === payload.name);
        if (payload.name === DELETED.name || !agent) return { reply: { ok: false, error: { code: 'agent_not_found', message: `no agent named ${String(payload.name)}` } } };
        if (payload.key_hash !== secretDigest(agent.key)) return { reply: { ok: false, error: { code: 'agent_key_invalid', message: 'wrong key' } } };
        return { reply: { ok: true, data: { agent_id: agent.id, name: agent.name } } };
      }
      case AgentsRpc.Register:
        return {
          reply: {
            ok: true,
            data: { agent_id: payload.agent_id, name: 'lab-a1', heartbeat_interval_seconds: 5, offline_after_seconds: 15, queue: `agent.${String(payload.agent_id)}`, keep: [], drop: [] },
          },
        };
      case AgentsRpc.Heartbeat:
        return { reply: { ok: true, data: { status: 'ok', agent_id: payload.agent_id, server_time: new Date().toISOString() } } };
      case TasksRpc.Claim:
        return { reply: { ok: true, data: { task: null } } };
      case TasksRpc.Started:
        if (payload.task_id === CONFLICTED_TASK) return { reply: { ok: false, error: { code: 'task_state_conflict', message: 'the task is succeeded', details: { state: 'succeeded' } } } };
        return { reply: { ok: true, data: { task_id: payload.task_id, state: 'running', calls: calls.length } } };
      case TasksRpc.Result:
        return { reply: { ok: true, data: { task_id: payload.task_id, state: 'succeeded' } }, delayMs: payload.task_id === SLOW_TASK ? 800 : 0 };
      default:
        return { reply: { ok: true, data: { pattern, payload } } };
    }
  };
  const ch = await broker.createChannel();
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
  const patterns = [
    AgentsRpc.Authenticate,
    AgentsRpc.Register,
    AgentsRpc.Heartbeat,
    TasksRpc.Claim,
    TasksRpc.Started,
    TasksRpc.Result,
    TasksRpc.List,
    TasksRpc.Get,
    TasksRpc.Cancel,
    ExercisesRpc.Get,
    ExercisesRpc.AddTest,
    ExercisesRpc.Start,
    ExercisesRpc.Stop,
    ExercisesRpc.Results,
    PortsRpc.ListReservations,
  ];
  for (const p of patterns) await ch.bindQueue(queue, names.rpcExchange, p);
  await ch.consume(
    queue,
    (m) => {
      if (!m) return;
      const pattern = m.fields.routingKey;
      const payload = JSON.parse(m.content.toString()) as Record<string, unknown>;
      calls.push({ pattern, payload });
      const { reply, delayMs } = answer(pattern, payload);
      setTimeout(() => ch.sendToQueue(m.properties.replyTo as string, Buffer.from(JSON.stringify(reply)), { correlationId: m.properties.correlationId as string }), delayMs ?? 0);
    },
    { noAck: true },
  );
  return {
    calls,
    count: (pattern: string) => calls.filter((c) => c.pattern === pattern).length,
    last: (pattern: string) => [...calls].reverse().find((c) => c.pattern === pattern)?.payload,
    close: () => ch.close(),
  };
}

describe('gateway: the agent protocol, Idempotency-Key and the exercise admin routes (real Postgres and RabbitMQ, stand-in services)', () => {
  const namespace = testNamespace();
  const names = new BrokerNames(namespace);
  let db: TestDatabase;
  let app: INestApplication;
  let base: string;
  let broker: amqp.ChannelModel;
  let services: Awaited<ReturnType<typeof startStandIns>>;
  let adminToken: string;

  const agentHeaders = (agent: { name: string; key: string }, extra: Record<string, string> = {}) => ({
    'content-type': 'application/json',
    'x-agent-name': agent.name,
    'x-agent-key': agent.key,
    'idempotency-key': randomUUID(),
    ...extra,
  });
  const post = (path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const admin = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${adminToken}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });

  beforeAll(async () => {
    db = await createTestDatabase(['gateway']);
    const config = readGatewayConfig(
      new EnvReader({
        PORT: '0',
        DATABASE_URL: db.urlFor('gateway'),
        AMQP_URL: TEST_AMQP_URL,
        PROCTOR_NAMESPACE: namespace,
        JWT_SECRET: 'agent-protocol-test-secret-0123',
        ADMIN_USERNAME: 'root',
        ADMIN_PASSWORD: 'correct horse battery',
        BODY_LIMIT_BYTES: '4096',
        RPC_TIMEOUT_MS: '3000',
        LOG_LEVEL: 'error',
      }),
    );
    app = await startGateway(config, new JsonLogger('gateway', 'error'));
    base = `http://127.0.0.1:${portOf(app)}`;
    broker = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
    services = await startStandIns(broker, names);
    const res = await fetch(`${base}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'root', password: 'correct horse battery' }),
    });
    adminToken = ((await res.json()) as { access_token: string }).access_token;
  });

  afterAll(async () => {
    await services?.close();
    await broker?.close();
    await app?.close();
    await db?.drop();
    const standard = namespaceBrokerNames(namespace, []);
    await deleteBrokerNames(standard.queues, standard.exchanges);
  });

  describe('agent credentials', () => {
    it('answers 401 without X-AGENT-NAME or X-AGENT-KEY, asking nobody', async () => {
      const before = services.count(AgentsRpc.Authenticate);
      const res = await post('/v1/agent/heartbeat', { 'content-type': 'application/json', 'x-agent-name': 'lab-a1', 'idempotency-key': randomUUID() }, {});
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'unauthorized', request_id: expect.any(String) });
      expect(services.count(AgentsRpc.Authenticate)).toBe(before);
    });

    it('answers 401 agent_key_invalid for a wrong key, every time (a refusal is not cached)', async () => {
      const before = services.count(AgentsRpc.Authenticate);
      for (let i = 0; i < 2; i++) {
        const res = await post('/v1/agent/heartbeat', agentHeaders({ name: AGENT_A.name, key: 'pak_wrong' }), {});
        expect(res.status).toBe(401);
        expect(await res.json()).toMatchObject({ error: 'agent_key_invalid' });
      }
      expect(services.count(AgentsRpc.Authenticate)).toBe(before + 2);
    });

    it('answers 404 agent_not_found for a deleted agent: its daemon must exit', async () => {
      const res = await post('/v1/agent/register', agentHeaders(DELETED), {});
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: 'agent_not_found' });
    });

    it('sends only the SHA-256 of the key, and caches a positive answer', async () => {
      const before = services.count(AgentsRpc.Authenticate);
      for (let i = 0; i < 3; i++) expect((await post('/v1/agent/heartbeat', agentHeaders(AGENT_B), {})).status).toBe(200);
      expect(services.count(AgentsRpc.Authenticate)).toBe(before + 1);
      expect(services.last(AgentsRpc.Authenticate)).toEqual({ name: AGENT_B.name, key_hash: secretDigest(AGENT_B.key) });
    });

    it('answers 426 to an agent speaking X-API-Version 2', async () => {
      const res = await post('/v1/agent/heartbeat', agentHeaders(AGENT_A, { 'x-api-version': '2' }), {});
      expect(res.status).toBe(426);
      expect(await res.json()).toMatchObject({ error: 'unsupported_api_version', details: { supported: ['1'] } });
    });
  });

  describe('the five routes', () => {
    it('registers with the agent id of the credentials, never of the body', async () => {
      const body = { capabilities: { iperf3: { version: '3.16', verified_at: '2026-11-23T10:00:00.000Z' } }, labels: { site: 'lab-a' }, version: '0.1.0', held_tasks: [] };
      const res = await post('/v1/agent/register', agentHeaders(AGENT_A), body);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ agent_id: AGENT_A.id, heartbeat_interval_seconds: 5, queue: `agent.${AGENT_A.id}` });
      expect(services.last(AgentsRpc.Register)).toEqual({ ...body, agent_id: AGENT_A.id });
      const forged = await post('/v1/agent/register', agentHeaders(AGENT_A), { agent_id: AGENT_B.id });
      expect(forged.status).toBe(400);
    });

    it('maps heartbeat, claim, started and result to their RPCs', async () => {
      const task = randomUUID();
      expect((await post('/v1/agent/heartbeat', agentHeaders(AGENT_A), { status: 'disconnecting' })).status).toBe(200);
      expect(services.last(AgentsRpc.Heartbeat)).toEqual({ status: 'disconnecting', agent_id: AGENT_A.id });
      const claim = await post('/v1/agent/tasks/claim', agentHeaders(AGENT_A), {});
      expect(claim.status).toBe(200);
      // No body at all (and no content type) is as good as {}.
      const bare: Record<string, string> = agentHeaders(AGENT_A);
      delete bare['content-type'];
      expect((await post('/v1/agent/tasks/claim', bare)).status).toBe(200);
      expect(await claim.json()).toEqual({ task: null });
      expect(services.last(TasksRpc.Claim)).toEqual({ agent_id: AGENT_A.id });
      expect((await post(`/v1/agent/tasks/${task}/started`, agentHeaders(AGENT_A), { attempt: 2 })).status).toBe(200);
      expect(services.last(TasksRpc.Started)).toEqual({ task_id: task, agent_id: AGENT_A.id, attempt: 2 });
      const output = { end: { sum_sent: { bits_per_second: 9.4e8 } } };
      expect((await post(`/v1/agent/tasks/${task}/result`, agentHeaders(AGENT_A), { attempt: 2, success: true, output })).status).toBe(200);
      expect(services.last(TasksRpc.Result)).toEqual({ task_id: task, agent_id: AGENT_A.id, attempt: 2, success: true, output });
    });

    it('refuses bad bodies with 400, naming each bad field, before any call', async () => {
      const before = services.calls.length;
      const started = await post(`/v1/agent/tasks/${randomUUID()}/started`, agentHeaders(AGENT_A), { attempt: 0, extra: 1 });
      expect(started.status).toBe(400);
      expect(Object.keys(((await started.json()) as { details: { fields: object } }).details.fields).sort()).toEqual(['attempt', 'extra']);
      const result = await post(`/v1/agent/tasks/${randomUUID()}/result`, agentHeaders(AGENT_A), { attempt: 'one', success: 'yes' });
      expect(Object.keys(((await result.json()) as { details: { fields: object } }).details.fields).sort()).toEqual(['attempt', 'success']);
      const badId = await post('/v1/agent/tasks/not-a-uuid/started', agentHeaders(AGENT_A), { attempt: 1 });
      expect(badId.status).toBe(400);
      expect(await badId.json()).toMatchObject({ error: 'validation_failed', details: { fields: { id: ['id must be a UUID'] } } });
      const register = await post('/v1/agent/register', agentHeaders(AGENT_A), { capabilities: { iperf3: { version: '' } }, labels: { n: 1 } });
      expect(register.status).toBe(400);
      expect(Object.keys(((await register.json()) as { details: { fields: object } }).details.fields)).toEqual(
        expect.arrayContaining(['capabilities.iperf3.version', 'capabilities.iperf3.verified_at']),
      );
      // Only authentication was asked (and it is cached): nothing reached a service.
      expect(services.calls.slice(before).filter((c) => c.pattern !== AgentsRpc.Authenticate)).toEqual([]);
    });

    it('refuses a body over the limit with 413', async () => {
      const res = await post(`/v1/agent/tasks/${randomUUID()}/result`, agentHeaders(AGENT_A), { attempt: 1, success: true, output: { big: 'x'.repeat(5000) } });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: 'payload_too_large' });
    });
  });

  describe('Idempotency-Key', () => {
    it('is required on every agent mutation: 400 naming the header, nothing called', async () => {
      const before = services.calls.filter((c) => c.pattern !== AgentsRpc.Authenticate).length;
      for (const path of ['/v1/agent/register', '/v1/agent/heartbeat', '/v1/agent/tasks/claim', `/v1/agent/tasks/${randomUUID()}/started`, `/v1/agent/tasks/${randomUUID()}/result`]) {
        const headers: Record<string, string> = agentHeaders(AGENT_A);
        delete headers['idempotency-key'];
        const res = await post(path, headers, { attempt: 1, success: true });
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ error: 'validation_failed', details: { fields: { 'Idempotency-Key': [expect.any(String)] } } });
      }
      const bad = await post('/v1/agent/heartbeat', agentHeaders(AGENT_A, { 'idempotency-key': 'no' }), {});
      expect(bad.status).toBe(400);
      expect(services.calls.filter((c) => c.pattern !== AgentsRpc.Authenticate)).toHaveLength(before);
    });

    it('replays the first answer to a retry with the same key and body, and applies it once', async () => {
      const task = randomUUID();
      const headers = agentHeaders(AGENT_A);
      const first = await post(`/v1/agent/tasks/${task}/started`, headers, { attempt: 1 });
      const firstBody = await first.json();
      const again = await post(`/v1/agent/tasks/${task}/started`, headers, { attempt: 1 });
      expect(again.status).toBe(first.status);
      expect(await again.json()).toEqual(firstBody);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(services.calls.filter((c) => c.pattern === TasksRpc.Started && c.payload.task_id === task)).toHaveLength(1);
    });

    it('answers 422 idempotency_key_reused to the same key with another body', async () => {
      const task = randomUUID();
      const headers = agentHeaders(AGENT_A);
      expect((await post(`/v1/agent/tasks/${task}/started`, headers, { attempt: 1 })).status).toBe(200);
      const reused = await post(`/v1/agent/tasks/${task}/started`, headers, { attempt: 2 });
      expect(reused.status).toBe(422);
      expect(await reused.json()).toMatchObject({ error: 'idempotency_key_reused' });
      expect(services.calls.filter((c) => c.pattern === TasksRpc.Started && c.payload.task_id === task)).toHaveLength(1);
    });

    it('answers 409 idempotency_in_progress while the first is still running, then the first answer', async () => {
      const headers = agentHeaders(AGENT_A);
      const body = { attempt: 1, success: true };
      const first = post(`/v1/agent/tasks/${SLOW_TASK}/result`, headers, body);
      await new Promise((r) => setTimeout(r, 200));
      const second = await post(`/v1/agent/tasks/${SLOW_TASK}/result`, headers, body);
      expect(second.status).toBe(409);
      expect(await second.json()).toMatchObject({ error: 'idempotency_in_progress' });
      expect((await first).status).toBe(200);
      const third = await post(`/v1/agent/tasks/${SLOW_TASK}/result`, headers, body);
      expect(third.status).toBe(200);
      expect(third.headers.get('idempotent-replayed')).toBe('true');
      expect(services.calls.filter((c) => c.pattern === TasksRpc.Result && c.payload.task_id === SLOW_TASK)).toHaveLength(1);
    });

    it('replays a definite refusal of the service too (a 409 conflict), asking it once', async () => {
      const headers = agentHeaders(AGENT_A);
      for (let i = 0; i < 2; i++) {
        const res = await post(`/v1/agent/tasks/${CONFLICTED_TASK}/started`, headers, { attempt: 1 });
        expect(res.status).toBe(409);
        expect(await res.json()).toMatchObject({ error: 'task_state_conflict', details: { state: 'succeeded' }, request_id: expect.any(String) });
      }
      expect(services.calls.filter((c) => c.pattern === TasksRpc.Started && c.payload.task_id === CONFLICTED_TASK)).toHaveLength(1);
    });

    it('releases a key whose request was refused as invalid: the corrected request may use it', async () => {
      const task = randomUUID();
      const headers = agentHeaders(AGENT_A);
      expect((await post(`/v1/agent/tasks/${task}/started`, headers, { attempt: 0 })).status).toBe(400);
      expect((await post(`/v1/agent/tasks/${task}/started`, headers, { attempt: 1 })).status).toBe(200);
    });

    it('keeps keys per agent: another agent with the same key is another request', async () => {
      const task = randomUUID();
      const key = randomUUID();
      expect((await post(`/v1/agent/tasks/${task}/started`, agentHeaders(AGENT_A, { 'idempotency-key': key }), { attempt: 1 })).status).toBe(200);
      expect((await post(`/v1/agent/tasks/${task}/started`, agentHeaders(AGENT_B, { 'idempotency-key': key }), { attempt: 1 })).status).toBe(200);
      expect(services.calls.filter((c) => c.pattern === TasksRpc.Started && c.payload.task_id === task).map((c) => c.payload.agent_id)).toEqual([AGENT_A.id, AGENT_B.id]);
    });

    it('keeps a key 24 hours, and the cleanup deletes it once expired', async () => {
      const key = randomUUID();
      expect((await post('/v1/agent/heartbeat', agentHeaders(AGENT_A, { 'idempotency-key': key }), {})).status).toBe(200);
      const [row] = await db.query<{ state: string; hours: number }>(
        `SELECT state, extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM gateway.idempotency_keys WHERE key = $1`,
        [key],
      );
      expect(row.state).toBe('done');
      expect(Number(row.hours)).toBeCloseTo(24, 1);
      await db.query(`UPDATE gateway.idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
      expect(await app.get(IdempotencyCleanup).cleanOnce()).toBeGreaterThanOrEqual(1);
      expect(await db.query(`SELECT 1 FROM gateway.idempotency_keys WHERE key = $1`, [key])).toEqual([]);
    });
  });

  describe('admin routes of seed 000 (JWT)', () => {
    const exercise = randomUUID();
    const task = randomUUID();

    it('refuses them without a token', async () => {
      expect((await fetch(`${base}/v1/tasks`)).status).toBe(401);
      expect((await fetch(`${base}/v1/exercises/${exercise}/start`, { method: 'POST' })).status).toBe(401);
    });

    it('maps each to its RPC, with ids from the path and filters from the query', async () => {
      const testBody = { client_agent_id: AGENT_A.id, server_agent_id: AGENT_B.id, duration_seconds: 10, protocol: 'udp', bandwidth: '100M' };
      const cases: [string, { method?: string; body?: unknown }, string, unknown][] = [
        [`/v1/exercises/${exercise}/tests`, { method: 'POST', body: testBody }, ExercisesRpc.AddTest, { ...testBody, exercise_id: exercise }],
        [`/v1/exercises/${exercise}/start`, { method: 'POST' }, ExercisesRpc.Start, { id: exercise }],
        [`/v1/exercises/${exercise}/stop`, { method: 'POST' }, ExercisesRpc.Stop, { id: exercise }],
        [`/v1/exercises/${exercise}/results`, {}, ExercisesRpc.Results, { id: exercise }],
        [`/v1/exercises/${exercise}`, {}, ExercisesRpc.Get, { id: exercise }],
        [`/v1/tasks?exercise_id=${exercise}&state=running&kind=iperf3_client&limit=10`, {}, TasksRpc.List, { exercise_id: exercise, state: 'running', kind: 'iperf3_client', limit: 10 }],
        [`/v1/tasks/${task}`, {}, TasksRpc.Get, { id: task }],
        [`/v1/tasks/${task}/cancel`, { method: 'POST' }, TasksRpc.Cancel, { id: task }],
        [`/v1/ports/reservations?agent_id=${AGENT_A.id}`, {}, PortsRpc.ListReservations, { agent_id: AGENT_A.id }],
      ];
      for (const [path, init, pattern, payload] of cases) {
        const res = await admin(path, init);
        expect([path, res.status < 300]).toEqual([path, true]);
        expect(services.last(pattern)).toEqual(payload);
      }
    });

    it('validates filters and bodies at the edge', async () => {
      const list = await admin('/v1/tasks?state=sleeping');
      expect(list.status).toBe(400);
      expect(await list.json()).toMatchObject({ details: { fields: { state: expect.any(Array) } } });
      const test = await admin(`/v1/exercises/${exercise}/tests`, { method: 'POST', body: { protocol: 'sctp', duration_seconds: 0 } });
      expect(Object.keys(((await test.json()) as { details: { fields: object } }).details.fields).sort()).toEqual([
        'client_agent_id',
        'duration_seconds',
        'protocol',
        'server_agent_id',
      ]);
    });

    it('takes an optional Idempotency-Key on admin mutations', async () => {
      const key = randomUUID();
      const cancelled = randomUUID();
      for (let i = 0; i < 2; i++) expect((await admin(`/v1/tasks/${cancelled}/cancel`, { method: 'POST', headers: { 'idempotency-key': key } })).status).toBe(200);
      expect(services.calls.filter((c) => c.pattern === TasksRpc.Cancel && c.payload.id === cancelled)).toHaveLength(1);
    });
  });

  it('has migrations that match its entities', async () => {
    expect(await pendingSchemaChanges(app.get(DataSource))).toEqual([]);
  });
});
