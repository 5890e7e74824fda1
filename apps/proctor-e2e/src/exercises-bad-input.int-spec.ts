import { randomUUID } from 'node:crypto';
import {
  createTestDatabase,
  deleteBrokerNames,
  namespaceBrokerNames,
  ProcessStack,
  TestDatabase,
  testNamespace,
} from '@proctor/testing';

const SERVICES = ['agents', 'exercises'];
const UNKNOWN = '0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11';

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Use the agent's credentials instead of the admin token. */
  asAgent?: boolean;
  status: number;
  error: string;
}

/**
 * Issue 3, item 12: every endpoint of the iperf orchestrator, given missing fields, wrong types,
 * unknown agents and ids, oversize bodies and bad headers, answers with the envelope and the
 * right status, and changes nothing.
 */
describe('exercises and the agent protocol refuse bad input with the envelope and change nothing', () => {
  const namespace = testNamespace();
  let db: TestDatabase;
  let stack: ProcessStack;
  let token: string;
  let agent: { id: string; name: string; key: string };
  let other: { id: string };
  let exerciseId: string;

  const send = async (c: Case) => {
    const headers: Record<string, string> = c.asAgent
      ? { 'x-agent-name': agent.name, 'x-agent-key': agent.key, 'x-api-version': '1', 'idempotency-key': randomUUID() }
      : { authorization: `Bearer ${token}` };
    Object.assign(headers, c.headers);
    for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
    const body = c.body === undefined ? undefined : typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${stack.url('gateway')}${c.path}`, { method: c.method, headers, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const snapshot = async () => ({
    agents: await db.query('SELECT id, name, status, labels, capabilities FROM agents.agents ORDER BY id'),
    exercises: await db.query('SELECT id, status FROM exercises.exercises ORDER BY id'),
    tests: await db.query('SELECT id FROM exercises.tests ORDER BY id'),
    tasks: await db.query('SELECT id, state FROM exercises.tasks ORDER BY id'),
    reservations: await db.query('SELECT id FROM exercises.port_reservations ORDER BY id'),
  });

  beforeAll(async () => {
    db = await createTestDatabase([...SERVICES, 'gateway']);
    stack = new ProcessStack({
      db,
      namespace,
      appEnv: { gateway: { JWT_SECRET: 'e2e-secret-0123456789abcdef', ADMIN_PASSWORD: 'e2e-admin-pass', BODY_LIMIT_BYTES: '16384' } },
    });
    await Promise.all(SERVICES.map((s) => stack.start(s)));
    await stack.start('gateway');
    const auth = await fetch(`${stack.url('gateway')}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'e2e-admin-pass' }),
    });
    token = ((await auth.json()) as { access_token: string }).access_token;
    const created = await fetch(`${stack.url('gateway')}/v1/agents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bad-input-agent' }),
    });
    agent = (await created.json()) as typeof agent;
    const second = await fetch(`${stack.url('gateway')}/v1/agents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bad-input-other' }),
    });
    other = (await second.json()) as typeof other;
    const exercise = await fetch(`${stack.url('gateway')}/v1/exercises`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bad input' }),
    });
    exerciseId = ((await exercise.json()) as { id: string }).id;
  });

  afterAll(async () => {
    await stack?.stopAll();
    await db?.drop();
    const names = namespaceBrokerNames(namespace, SERVICES);
    await deleteBrokerNames(names.queues, names.exchanges);
  });

  const big = 'x'.repeat(20000);
  const cases = (): Case[] => [
    { name: 'agent without a name', method: 'POST', path: '/v1/agents', body: {}, status: 400, error: 'validation_failed' },
    { name: 'agent name of the wrong type', method: 'POST', path: '/v1/agents', body: { name: 7 }, status: 400, error: 'validation_failed' },
    { name: 'agent with an unknown field', method: 'POST', path: '/v1/agents', body: { name: 'x1', admin: true }, status: 400, error: 'validation_failed' },
    { name: 'agent body over the limit', method: 'POST', path: '/v1/agents', body: { name: 'x2', labels: { a: big } }, status: 413, error: 'payload_too_large' },
    { name: 'agent body not JSON', method: 'POST', path: '/v1/agents', body: '{"name":', status: 400, error: 'validation_failed' },
    { name: 'a taken agent name', method: 'POST', path: '/v1/agents', body: { name: 'bad-input-agent' }, status: 409, error: 'agent_name_taken' },
    { name: 'agents by an unknown status', method: 'GET', path: '/v1/agents?status=sleeping', status: 400, error: 'validation_failed' },
    { name: 'an agent id that is not a UUID', method: 'GET', path: '/v1/agents/abc', status: 400, error: 'validation_failed' },
    { name: 'an unknown agent', method: 'GET', path: `/v1/agents/${UNKNOWN}`, status: 404, error: 'agent_not_found' },
    { name: 'deleting an unknown agent', method: 'DELETE', path: `/v1/agents/${UNKNOWN}`, status: 404, error: 'agent_not_found' },
    { name: 'exercise without a name', method: 'POST', path: '/v1/exercises', body: { description: 'x' }, status: 400, error: 'validation_failed' },
    { name: 'an unknown exercise', method: 'GET', path: `/v1/exercises/${UNKNOWN}`, status: 404, error: 'exercise_not_found' },
    { name: 'a test without fields', method: 'POST', path: `/v1/exercises/${exerciseId}/tests`, body: {}, status: 400, error: 'validation_failed' },
    {
      name: 'a test with a wrong protocol and duration',
      method: 'POST',
      path: `/v1/exercises/${exerciseId}/tests`,
      body: { client_agent_id: agent.id, server_agent_id: other.id, duration_seconds: 'ten', protocol: 'sctp' },
      status: 400,
      error: 'validation_failed',
    },
    {
      name: 'a test with an unknown agent',
      method: 'POST',
      path: `/v1/exercises/${exerciseId}/tests`,
      body: { client_agent_id: UNKNOWN, server_agent_id: other.id, duration_seconds: 5, protocol: 'tcp' },
      status: 400,
      error: 'unknown_agent',
    },
    {
      name: 'a test of an unknown exercise',
      method: 'POST',
      path: `/v1/exercises/${UNKNOWN}/tests`,
      body: { client_agent_id: agent.id, server_agent_id: other.id, duration_seconds: 5, protocol: 'tcp' },
      status: 404,
      error: 'exercise_not_found',
    },
    { name: 'starting an exercise with no test', method: 'POST', path: `/v1/exercises/${exerciseId}/start`, status: 409, error: 'exercise_state_conflict' },
    { name: 'starting an unknown exercise', method: 'POST', path: `/v1/exercises/${UNKNOWN}/start`, status: 404, error: 'exercise_not_found' },
    { name: 'stopping a draft exercise', method: 'POST', path: `/v1/exercises/${exerciseId}/stop`, status: 409, error: 'exercise_state_conflict' },
    { name: 'results of an unknown exercise', method: 'GET', path: `/v1/exercises/${UNKNOWN}/results`, status: 404, error: 'exercise_not_found' },
    { name: 'tasks by an unknown state', method: 'GET', path: '/v1/tasks?state=sleeping', status: 400, error: 'validation_failed' },
    { name: 'an unknown task', method: 'GET', path: `/v1/tasks/${UNKNOWN}`, status: 404, error: 'task_not_found' },
    { name: 'cancelling an unknown task', method: 'POST', path: `/v1/tasks/${UNKNOWN}/cancel`, status: 404, error: 'task_not_found' },
    { name: 'reservations of a bad agent id', method: 'GET', path: '/v1/ports/reservations?agent_id=nope', status: 400, error: 'validation_failed' },
    { name: 'admin route without a token', method: 'GET', path: '/v1/exercises', headers: { authorization: '' }, status: 401, error: 'unauthorized' },
    { name: 'register without agent headers', method: 'POST', path: '/v1/agent/register', body: {}, asAgent: true, headers: { 'x-agent-key': '' }, status: 401, error: 'unauthorized' },
    { name: 'register with a wrong key', method: 'POST', path: '/v1/agent/register', body: {}, asAgent: true, headers: { 'x-agent-key': 'pak_wrong' }, status: 401, error: 'agent_key_invalid' },
    { name: 'register as an unknown agent', method: 'POST', path: '/v1/agent/register', body: {}, asAgent: true, headers: { 'x-agent-name': 'nobody' }, status: 404, error: 'agent_not_found' },
    { name: 'register with API version 2', method: 'POST', path: '/v1/agent/register', body: {}, asAgent: true, headers: { 'x-api-version': '2' }, status: 426, error: 'unsupported_api_version' },
    { name: 'register without an Idempotency-Key', method: 'POST', path: '/v1/agent/register', body: {}, asAgent: true, headers: { 'idempotency-key': '' }, status: 400, error: 'validation_failed' },
    {
      name: 'register with capabilities of the wrong shape',
      method: 'POST',
      path: '/v1/agent/register',
      body: { capabilities: { iperf3: { version: 3 } }, held_tasks: 'none' },
      asAgent: true,
      status: 400,
      error: 'validation_failed',
    },
    { name: 'a heartbeat with an unknown status', method: 'POST', path: '/v1/agent/heartbeat', body: { status: 'asleep' }, asAgent: true, status: 400, error: 'validation_failed' },
    { name: 'started for a task id that is not a UUID', method: 'POST', path: '/v1/agent/tasks/abc/started', body: { attempt: 1 }, asAgent: true, status: 400, error: 'validation_failed' },
    { name: 'started without an attempt', method: 'POST', path: `/v1/agent/tasks/${UNKNOWN}/started`, body: {}, asAgent: true, status: 400, error: 'validation_failed' },
    { name: 'started for an unknown task', method: 'POST', path: `/v1/agent/tasks/${UNKNOWN}/started`, body: { attempt: 1 }, asAgent: true, status: 404, error: 'task_not_found' },
    { name: 'a result of the wrong types', method: 'POST', path: `/v1/agent/tasks/${UNKNOWN}/result`, body: { attempt: 'one', success: 'yes' }, asAgent: true, status: 400, error: 'validation_failed' },
    { name: 'a result body over the limit', method: 'POST', path: `/v1/agent/tasks/${UNKNOWN}/result`, body: { attempt: 1, success: false, error: big }, asAgent: true, status: 413, error: 'payload_too_large' },
  ];

  it('answers each bad request with the right status and code in the envelope, and nothing changes', async () => {
    const before = await snapshot();
    const outcomes = [];
    for (const c of cases()) {
      const res = await send(c);
      outcomes.push({ name: c.name, status: res.status, error: res.body.error, enveloped: typeof res.body.message === 'string' && typeof res.body.request_id === 'string' });
    }
    expect(outcomes).toEqual(cases().map((c) => ({ name: c.name, status: c.status, error: c.error, enveloped: true })));
    expect(await snapshot()).toEqual(before);
  });
});
