import { ChildProcess, spawn } from 'node:child_process';
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

const SERVICES = ['agents', 'exercises'];

interface TaskView {
  id: string;
  kind: string;
  state: string;
  agent_id: string;
  test_id: string | null;
  port: number | null;
  reason: string | null;
  slot_start: string | null;
  slot_end: string | null;
  started_at: string | null;
  finished_at: string | null;
}

interface TestResult {
  test_id: string;
  protocol: string;
  sent_bps: number | null;
  received_bps: number | null;
  jitter_ms: number | null;
  lost_percent: number | null;
  intervals: unknown[];
}

/**
 * Issue 3's proof: two real agentd processes on this machine run a real exercise of two tests (one
 * TCP, one UDP) between them on 127.0.0.1 with real iperf3, started through the gateway, and the
 * exercise ends with parsed results.
 */
describe('network exercises end to end: gateway, agents, exercises and two agentd running iperf3', () => {
  const namespace = testNamespace();
  let db: TestDatabase;
  let stack: ProcessStack;
  let token: string;
  const daemons: ChildProcess[] = [];
  const daemonLogs: string[][] = [];

  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: object) => {
    const res = await fetch(`${stack.url('gateway')}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  const startAgentd = (name: string, key: string) => {
    const logs: string[] = [];
    const child = spawn(
      process.execPath,
      [appMain('agentd'), '--name', name, '--gateway-url', stack.url('gateway'), '--amqp-url', TEST_AMQP_URL, '--namespace', namespace, '--port', '0', '--drain-timeout-seconds', '5'],
      { env: { ...process.env, AGENTD_KEY: key, LOG_LEVEL: 'log' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    daemons.push(child);
    daemonLogs.push(logs);
  };

  beforeAll(async () => {
    db = await createTestDatabase([...SERVICES, 'gateway']);
    stack = new ProcessStack({
      db,
      namespace,
      appEnv: {
        gateway: { JWT_SECRET: 'e2e-secret-0123456789abcdef', ADMIN_PASSWORD: 'e2e-admin-pass' },
        exercises: { EXERCISES_SLOT_GRACE_SECONDS: '4', EXERCISES_PORT_RANGE: '15201-15299' },
        agents: { AGENTS_OFFLINE_AFTER_SECONDS: '3', AGENTS_HEARTBEAT_INTERVAL_SECONDS: '1' },
      },
    });
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
    await Promise.all(
      daemons.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.on('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await stack?.stopAll();
    await db?.drop();
    const names = namespaceBrokerNames(namespace, SERVICES);
    await deleteBrokerNames(names.queues, names.exchanges);
  });

  const agents: { id: string; key: string }[] = [];

  it('runs a TCP and a UDP test between two agents in waves and ends with parsed results', async () => {
    for (const name of ['lab-a1', 'lab-a2']) {
      const created = await call<{ id: string; key: string }>('POST', '/v1/agents', { name });
      expect(created.status).toBe(201);
      agents.push(created.body);
      startAgentd(name, created.body.key);
    }
    await expectEventually(
      async () => {
        const online = await call<{ items: { id: string }[] }>('GET', '/v1/agents?status=online');
        expect(online.body.items.map((a) => a.id).sort()).toEqual(agents.map((a) => a.id).sort());
      },
      { timeoutMs: 20000, intervalMs: 200 },
    );
    const [a1, a2] = agents;

    const exercise = await call<{ id: string }>('POST', '/v1/exercises', { name: 'e2e throughput' });
    const tcp = await call<{ id: string }>('POST', `/v1/exercises/${exercise.body.id}/tests`, {
      client_agent_id: a1.id,
      server_agent_id: a2.id,
      duration_seconds: 2,
      protocol: 'tcp',
    });
    expect(tcp.status).toBe(201);
    const udp = await call<{ id: string }>('POST', `/v1/exercises/${exercise.body.id}/tests`, {
      client_agent_id: a2.id,
      server_agent_id: a1.id,
      duration_seconds: 2,
      protocol: 'udp',
      bandwidth: '10M',
    });
    expect(udp.status).toBe(201);

    const started = await call('POST', `/v1/exercises/${exercise.body.id}/start`);
    expect(started.status).toBeLessThan(300);

    const ended = await expectEventually(
      async () => {
        const detail = await call<{ status: string; ended_reason: string; tasks: TaskView[] }>('GET', `/v1/exercises/${exercise.body.id}`);
        expect(detail.body.status).toBe('ended');
        return detail.body;
      },
      { timeoutMs: 60000, intervalMs: 500 },
    );
    expect(ended.ended_reason).toBe('completed');
    const iperfTasks = ended.tasks.filter((t) => t.kind !== 'kill_all');
    expect(iperfTasks).toHaveLength(4);
    expect(iperfTasks.map((t) => ({ kind: t.kind, state: t.state, reason: t.reason }))).toEqual(
      expect.arrayContaining([
        { kind: 'iperf3_server', state: 'succeeded', reason: null },
        { kind: 'iperf3_client', state: 'succeeded', reason: null },
      ]),
    );
    expect(iperfTasks.every((t) => t.state === 'succeeded')).toBe(true);

    // The two tests share both agents, so they ran in different waves: their slots do not overlap.
    const slotOf = (testId: string) => {
      const client = iperfTasks.find((t) => t.test_id === testId && t.kind === 'iperf3_client') as TaskView;
      return [Date.parse(client.slot_start as string), Date.parse(client.slot_end as string)];
    };
    const [tcpSlot, udpSlot] = [slotOf(tcp.body.id), slotOf(udp.body.id)];
    expect(tcpSlot[1] <= udpSlot[0] || udpSlot[1] <= tcpSlot[0]).toBe(true);

    const results = await call<{ results: TestResult[] }>('GET', `/v1/exercises/${exercise.body.id}/results`);
    const byTest = new Map(results.body.results.map((r) => [r.test_id, r]));
    const tcpResult = byTest.get(tcp.body.id) as TestResult;
    const udpResult = byTest.get(udp.body.id) as TestResult;
    expect(tcpResult.protocol).toBe('tcp');
    expect(tcpResult.received_bps).toBeGreaterThan(0);
    expect(tcpResult.intervals.length).toBeGreaterThan(0);
    expect(udpResult.protocol).toBe('udp');
    expect(udpResult.jitter_ms).not.toBeNull();
    expect(udpResult.lost_percent).not.toBeNull();

    await expectEventually(async () => {
      const reservations = await call<{ items: unknown[] }>('GET', '/v1/ports/reservations');
      expect(reservations.body.items).toEqual([]);
    });
  }, 120000);

  it('an agentd killed mid-test: its task fails (agent_offline), ports are released, the exercise ends', async () => {
    const [a1, a2] = agents;
    const exercise = await call<{ id: string }>('POST', '/v1/exercises', { name: 'e2e agent lost' });
    await call('POST', `/v1/exercises/${exercise.body.id}/tests`, {
      client_agent_id: a1.id,
      server_agent_id: a2.id,
      duration_seconds: 8,
      protocol: 'tcp',
    });
    await call('POST', `/v1/exercises/${exercise.body.id}/start`);
    await expectEventually(
      async () => {
        const detail = await call<{ tasks: TaskView[] }>('GET', `/v1/exercises/${exercise.body.id}`);
        expect(detail.body.tasks.find((t) => t.kind === 'iperf3_client')?.state).toBe('running');
      },
      { timeoutMs: 20000, intervalMs: 100 },
    );
    daemons[0].kill('SIGKILL');

    const ended = await expectEventually(
      async () => {
        const detail = await call<{ status: string; tasks: TaskView[] }>('GET', `/v1/exercises/${exercise.body.id}`);
        expect(detail.body.status).toBe('ended');
        return detail.body;
      },
      { timeoutMs: 40000, intervalMs: 500 },
    );
    const client = ended.tasks.find((t) => t.kind === 'iperf3_client') as TaskView;
    expect(client).toMatchObject({ state: 'failed', reason: 'agent_offline' });
    expect(ended.tasks.filter((t) => t.kind !== 'kill_all').every((t) => ['succeeded', 'failed', 'timed_out', 'canceled'].includes(t.state))).toBe(true);
    const agent = await call<{ status: string }>('GET', `/v1/agents/${a1.id}`);
    expect(agent.body.status).toBe('offline');
    await expectEventually(async () => {
      const reservations = await call<{ items: unknown[] }>('GET', '/v1/ports/reservations');
      expect(reservations.body.items).toEqual([]);
    });
  }, 90000);
});
