import { INestApplication } from '@nestjs/common';
import { EnvReader } from '@proctor/config';
import { BrokerNames, portOf } from '@proctor/messaging';
import { JsonLogger } from '@proctor/observability';
import { createTestDatabase, deleteBrokerNames, namespaceBrokerNames, TEST_AMQP_URL, TestDatabase, testNamespace } from '@proctor/testing';
import * as amqp from 'amqplib';
import jwt from 'jsonwebtoken';
import { pendingSchemaChanges } from '@proctor/persistence';
import { DataSource } from 'typeorm';
import { startGateway } from './gateway-bootstrap';
import { readGatewayConfig } from './gateway-config';

const SECRET = 'gateway-test-secret-0123456789';

describe('gateway (real Postgres and RabbitMQ, no backend service running)', () => {
  const namespace = testNamespace();
  let db: TestDatabase;
  let app: INestApplication;
  let base: string;
  let broker: amqp.ChannelModel;

  const token = async () => {
    const res = await fetch(`${base}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'root', password: 'correct horse battery' }),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

  beforeAll(async () => {
    db = await createTestDatabase(['gateway']);
    const config = readGatewayConfig(
      new EnvReader({
        PORT: '0',
        DATABASE_URL: db.urlFor('gateway'),
        AMQP_URL: TEST_AMQP_URL,
        PROCTOR_NAMESPACE: namespace,
        JWT_SECRET: SECRET,
        ADMIN_USERNAME: 'root',
        ADMIN_PASSWORD: 'correct horse battery',
        RATE_LIMIT_PER_MINUTE: '40',
        BODY_LIMIT_BYTES: '2048',
        RPC_TIMEOUT_MS: '300',
        LOG_LEVEL: 'error',
      }),
    );
    app = await startGateway(config, new JsonLogger('gateway', 'error'));
    base = `http://127.0.0.1:${portOf(app)}`;
    broker = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
  });

  afterAll(async () => {
    await broker?.close();
    await app?.close();
    await db?.drop();
    const names = namespaceBrokerNames(namespace, ['agents']);
    await deleteBrokerNames(names.queues, names.exchanges);
  });

  it('stores the admin password only as a hash', async () => {
    const [row] = await db.query<{ password_hash: string }>(`SELECT password_hash FROM gateway.admin_users WHERE username = 'root'`);
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain('correct horse battery');
  });

  it('issues a token for the right password and 401 for a wrong one, in the envelope', async () => {
    expect(await token()).toMatch(/^ey/);
    const res = await fetch(`${base}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'root', password: 'nope' }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'unauthorized', message: 'unknown user or wrong password' });
  });

  it.each([
    ['no token', () => ''],
    ['alg none', () => jwt.sign({ roles: ['admin'] }, '', { algorithm: 'none', subject: 'root', issuer: 'proctor', audience: 'proctor-api' })],
    ['another algorithm', () => jwt.sign({}, SECRET, { algorithm: 'HS512', subject: 'root', issuer: 'proctor', audience: 'proctor-api' })],
    ['expired', () => jwt.sign({ exp: Math.floor(Date.now() / 1000) - 10 }, SECRET, { algorithm: 'HS256', subject: 'root', issuer: 'proctor', audience: 'proctor-api' })],
    ['wrong audience', () => jwt.sign({}, SECRET, { algorithm: 'HS256', subject: 'root', issuer: 'proctor', audience: 'someone-else' })],
    ['wrong secret', () => jwt.sign({}, 'another-secret-entirely', { algorithm: 'HS256', subject: 'root', issuer: 'proctor', audience: 'proctor-api' })],
  ])('refuses a request with %s: 401 in the envelope', async (_name, make) => {
    const t = make();
    const res = await get('/v1/agents', t ? { authorization: `Bearer ${t}` } : {});
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('answers 426 with Upgrade and the supported versions for an unknown X-API-Version', async () => {
    const res = await get('/v1/agents', { 'x-api-version': '7' });
    expect(res.status).toBe(426);
    expect(res.headers.get('upgrade')).toBe('proctor-api/1');
    expect(await res.json()).toMatchObject({ error: 'unsupported_api_version', details: { supported: ['1'] } });
  });

  it('answers an unknown route with the envelope and echoes the request id', async () => {
    const res = await get('/v1/nothing-here', { 'x-request-id': 'my-trace-1' });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('my-trace-1');
    expect(await res.json()).toEqual({ error: 'not_found', message: 'Cannot GET /v1/nothing-here', request_id: 'my-trace-1' });
  });

  it('validates bodies at the edge, naming each bad field', async () => {
    const res = await fetch(`${base}/v1/agents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      body: JSON.stringify({ name: 42, sneaky: true }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; details: { fields: Record<string, string[]> } };
    expect(body.error).toBe('validation_failed');
    expect(Object.keys(body.details.fields).sort()).toEqual(['name', 'sneaky']);
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await fetch(`${base}/v1/agents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      body: JSON.stringify({ name: 'x', labels: { big: 'y'.repeat(4000) } }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('answers malformed JSON with 400 in the envelope', async () => {
    const res = await fetch(`${base}/v1/agents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      body: '{"name":',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'validation_failed', request_id: expect.any(String) });
  });

  it('answers 503 service_unavailable at once when no service listens', async () => {
    const started = Date.now();
    const res = await get('/v1/hosts', { authorization: `Bearer ${await token()}` });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'service_unavailable' });
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('answers 503 deadline_exceeded when a service takes the call but misses the deadline', async () => {
    const names = new BrokerNames(namespace);
    const ch = await broker.createChannel();
    const queue = names.rpcQueue('agents');
    ch.on('error', () => undefined);
    await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    await ch.bindQueue(queue, names.rpcExchange, 'agents.get');
    const seen: string[] = [];
    await ch.consume(queue, (m) => m && seen.push(m.fields.routingKey), { noAck: true });
    const res = await get('/v1/agents/0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11', { authorization: `Bearer ${await token()}` });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'deadline_exceeded', details: { pattern: 'agents.get', timeout_ms: 300 } });
    expect(seen).toEqual(['agents.get']);
    await ch.close();
  });

  it('serves OpenAPI at /docs and the spec at /docs-json', async () => {
    expect((await get('/docs')).status).toBe(200);
    const spec = (await (await get('/docs-json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/auth/token', '/v1/agents', '/v1/agents/{id}', '/v1/devices']));
  });

  it('serves healthz, readyz and metrics', async () => {
    expect(await (await get('/healthz')).json()).toEqual({ status: 'ok' });
    expect(await (await get('/readyz')).json()).toMatchObject({ status: 'ready', checks: { database: { ok: true }, broker: { ok: true }, migrations: { ok: true } } });
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toContain('proctor_rpc_client_duration_seconds_bucket');
    expect(metrics).toContain('process_cpu_seconds_total');
  });

  it('rate limits a client with 429 in the envelope', async () => {
    const t = await token();
    let limited: Response | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const res = await get('/v1/hosts', { authorization: `Bearer ${t}` });
      if (res.status === 429) limited = res;
    }
    expect(limited?.status).toBe(429);
    expect(await limited?.json()).toMatchObject({ error: 'rate_limited' });
  });

  it('has migrations that match its entities', async () => {
    expect(await pendingSchemaChanges(app.get(DataSource))).toEqual([]);
  });
});
