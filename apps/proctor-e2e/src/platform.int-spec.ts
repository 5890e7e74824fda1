import { spawnSync } from 'node:child_process';
import {
  appMain,
  createTestDatabase,
  deleteBrokerNames,
  expectEventually,
  namespaceBrokerNames,
  ProcessStack,
  TEST_AMQP_URL,
  TestDatabase,
  testNamespace,
} from '@proctor/testing';

const SERVICES = ['agents', 'exercises', 'jobs', 'fleet', 'hosts'];

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

describe('the platform end to end: compiled apps as processes, HTTP through the gateway', () => {
  const namespace = testNamespace();
  let db: TestDatabase;
  let stack: ProcessStack;
  let token: string;

  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: object, headers: Record<string, string> = {}) => {
    const res = await fetch(`${stack.url('gateway')}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  beforeAll(async () => {
    db = await createTestDatabase([...SERVICES, 'gateway']);
    stack = new ProcessStack({ db, namespace, appEnv: { gateway: { JWT_SECRET: 'e2e-secret-0123456789abcdef', ADMIN_PASSWORD: 'e2e-admin-pass', RPC_TIMEOUT_MS: '1500' } } });
    await Promise.all(SERVICES.map((s) => stack.start(s)));
    await stack.start('gateway');
    const res = await fetch(`${stack.url('gateway')}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'e2e-admin-pass' }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  });

  afterAll(async () => {
    await stack?.stopAll();
    await db?.drop();
    const names = namespaceBrokerNames(namespace, SERVICES);
    await deleteBrokerNames(names.queues, names.exchanges);
  });

  it('has every app ready: database, broker and migrations', async () => {
    for (const app of [...SERVICES, 'gateway']) {
      const res = await fetch(`${stack.url(app)}/readyz`);
      expect({ app, status: res.status }).toEqual({ app, status: 200 });
    }
  });

  it('agents: create, list by status, get, delete, as seed 000 documents them', async () => {
    const created = await call<{ id: string; key: string; status: string }>('POST', '/v1/agents', { name: 'e2e-agent-1', labels: { site: 'lab-a' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toBeTruthy();
    const offline = await call<Page<{ id: string }>>('GET', '/v1/agents?status=offline');
    expect(offline.body.items.map((a) => a.id)).toContain(created.body.id);
    const online = await call<Page<{ id: string }>>('GET', '/v1/agents?status=online');
    expect(online.body.items).toEqual([]);
    const got = await call('GET', `/v1/agents/${created.body.id}`);
    expect(got.body).toMatchObject({ id: created.body.id, name: 'e2e-agent-1', labels: { site: 'lab-a' } });
    expect(got.body).not.toHaveProperty('key');
    expect((await call('DELETE', `/v1/agents/${created.body.id}`)).status).toBe(204);
    expect(await call('GET', `/v1/agents/${created.body.id}`)).toMatchObject({ status: 404, body: { error: 'agent_not_found' } });
    expect(await call('POST', '/v1/agents', { name: 'bad name!' })).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
  });

  it('an agent created at the gateway reaches the exercises service as an event (outbox → broker → inbox)', async () => {
    const created = await call<{ id: string }>('POST', '/v1/agents', { name: 'e2e-agent-evt' });
    await expectEventually(async () => {
      const rows = await db.query<{ name: string }>('SELECT name FROM exercises.agent_directory WHERE agent_id = $1', [created.body.id]);
      expect(rows).toEqual([{ name: 'e2e-agent-evt' }]);
    });
  });

  it('carries the request id from the HTTP request into the service that did the work', async () => {
    await call('POST', '/v1/agents', { name: 'e2e-agent-traced' }, { 'x-request-id': 'e2e-trace-42' });
    const line = stack.logs('agents').find((l) => l.includes('"msg":"agent created"') && l.includes('e2e-agent-traced'));
    expect(line).toContain('"request_id":"e2e-trace-42"');
  });

  it.each([
    ['exercises', '/v1/exercises', { name: 'nightly', description: 'tcp and udp' }, 'id'],
    ['jobs', '/v1/jobs', { image: 'busybox', command: ['true'], priority: 5 }, 'job_id'],
    ['hosts', '/v1/hosts', { host_name: 'sunri-pi2', host_url: 'http://sunri-pi2:6109', capabilities: ['av'] }, 'id'],
    ['devices', '/v1/devices', { device_id: 'pi-camera-01', hostname: 'pi-camera-01.local', role: 'camera-dual' }, 'device_id'],
  ])('%s: create, list with cursor pagination, get', async (_domain, path, body, idField) => {
    const created = await call<Record<string, string>>('POST', path, body);
    expect(created.status).toBe(201);
    const id = created.body[idField];
    const second = await call<Record<string, string>>('POST', path, { ...body, ...(idField === 'device_id' ? { device_id: 'pi-camera-02' } : {}), ...(path === '/v1/hosts' ? { host_name: 'sunri-pi3' } : {}) });
    expect(second.status).toBe(201);
    const first = await call<Page<Record<string, string>>>('GET', `${path}?limit=1`);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.next_cursor).toBeTruthy();
    const next = await call<Page<Record<string, string>>>('GET', `${path}?limit=1&cursor=${first.body.next_cursor}`);
    expect(next.body.items).toHaveLength(1);
    expect(next.body.items[0][idField]).not.toBe(first.body.items[0][idField]);
    const got = await call('GET', `${path}/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ [idField]: id });
  });

  it('records who submitted a job from the token, not from the body', async () => {
    const created = await call<{ submitted_by: string }>('POST', '/v1/jobs', { image: 'busybox' });
    expect(created.body.submitted_by).toBe('admin');
    expect(await call('POST', '/v1/jobs', { image: 'busybox', submitted_by: 'mallory' })).toMatchObject({ status: 400 });
  });

  it('a service stopped with SIGTERM drains and exits 0; the gateway answers 503 meanwhile; after a restart the data is there', async () => {
    const created = await call<{ id: string }>('POST', '/v1/exercises', { name: 'survives restarts' });
    expect(await stack.stop('exercises')).toBe(0);
    expect(stack.logs('exercises').some((l) => l.includes('"msg":"stopped"'))).toBe(true);
    // Its queue outlives it, so a call waits for a replacement until the deadline, then gives up.
    expect(await call('GET', `/v1/exercises/${created.body.id}`)).toMatchObject({ status: 503, body: { error: 'deadline_exceeded' } });
    await stack.start('exercises');
    expect(await call('GET', `/v1/exercises/${created.body.id}`)).toMatchObject({ status: 200, body: { name: 'survives restarts' } });
  });

  it('migrates as a separate command (a Kubernetes Job) and exits', () => {
    const run = spawnSync(process.execPath, [appMain('agents'), 'migrate'], {
      env: { ...process.env, DATABASE_URL: db.urlFor('agents'), AMQP_URL: TEST_AMQP_URL, LOG_LEVEL: 'log' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('"msg":"migrations applied"');
  });

  it('refuses to start on a bad variable, with one line naming it', () => {
    const run = spawnSync(process.execPath, [appMain('agents')], { env: { ...process.env, PORT: 'eighty' }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('agents: config: PORT must be a whole number, got "eighty"');
  });
});
