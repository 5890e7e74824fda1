import {
  AgentHeartbeatView,
  AgentRegistrationView,
  AgentsRpc,
  AgentView,
  CreatedAgentView,
  ProctorError,
  ReconcileTasksMessage,
  TasksRpc,
} from '@proctor/contracts';
import { BrokerNames, RpcClient } from '@proctor/messaging';
import {
  createTestDatabase,
  deleteBrokerNames,
  expectEventually,
  namespaceBrokerNames,
  RunningService,
  startRpcClient,
  startService,
  TEST_AMQP_URL,
  TestDatabase,
  testNamespace,
} from '@proctor/testing';
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { AGENTS_SERVICE } from '../agents.service-definition';

const OFFLINE_AFTER_SECONDS = 2;
const PRESENCE_ENV = {
  AGENTS_OFFLINE_AFTER_SECONDS: String(OFFLINE_AFTER_SECONDS),
  AGENTS_HEARTBEAT_INTERVAL_SECONDS: '1',
  AGENTS_SWEEP_INTERVAL_MS: '100',
  AGENTS_RECONCILE_TIMEOUT_MS: '500',
};

const capabilities = {
  iperf3: { version: '3.16', verified_at: '2026-11-23T10:00:00.000Z' },
  interfaces: { items: [{ name: 'eth0', addresses: ['10.0.0.5'] }], verified_at: '2026-11-23T10:00:00.000Z' },
};

interface OutboxRow {
  routing_key: string;
  payload: Record<string, unknown>;
}

describe('agent presence: registration, heartbeats, reports, the offline marker (real Postgres and RabbitMQ)', () => {
  const namespace = testNamespace();
  const names = new BrokerNames(namespace);
  const agentQueues: string[] = [];
  let db: TestDatabase;
  let service: RunningService;
  let client: { rpc: RpcClient; close(): Promise<void> };
  let broker: amqp.ChannelModel;

  const createAgent = async (name: string) => {
    const agent = await client.rpc.call<CreatedAgentView>(AgentsRpc.Create, { name });
    agentQueues.push(names.agentQueue(agent.id), names.deadQueue(names.agentQueue(agent.id)));
    return agent;
  };
  const register = (agentId: string, body: object = {}) => client.rpc.call<AgentRegistrationView>(AgentsRpc.Register, { agent_id: agentId, ...body });
  const heartbeat = (agentId: string, body: object = {}) => client.rpc.call<AgentHeartbeatView>(AgentsRpc.Heartbeat, { agent_id: agentId, ...body });
  const statusOf = async (id: string) => (await client.rpc.call<AgentView>(AgentsRpc.Get, { id })).status;
  const outboxOf = (agentId: string, routingKey: string) =>
    db.query<OutboxRow>(`SELECT routing_key, payload FROM agents.outbox WHERE payload->>'agent_id' = $1 AND routing_key = $2 ORDER BY id`, [agentId, routingKey]);

  /** A stand-in exercises service: answers `exercises.tasks.reconcile` as told, counting the calls. */
  const standInReconciler = async (answer: (request: ReconcileTasksMessage) => object) => {
    const ch = await broker.createChannel();
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
    await ch.bindQueue(queue, names.rpcExchange, TasksRpc.Reconcile);
    const requests: ReconcileTasksMessage[] = [];
    await ch.consume(
      queue,
      (m) => {
        if (!m) return;
        const request = JSON.parse(m.content.toString()) as ReconcileTasksMessage;
        requests.push(request);
        ch.sendToQueue(m.properties.replyTo as string, Buffer.from(JSON.stringify({ ok: true, data: answer(request) })), {
          correlationId: m.properties.correlationId as string,
        });
      },
      { noAck: true },
    );
    return { requests, close: () => ch.close() };
  };

  beforeAll(async () => {
    db = await createTestDatabase(['agents']);
    service = await startService(AGENTS_SERVICE, { db, namespace, env: PRESENCE_ENV });
    client = await startRpcClient(namespace);
    broker = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
  });

  afterAll(async () => {
    await broker?.close();
    await client?.close();
    await service?.stop();
    await db?.drop();
    const standard = namespaceBrokerNames(namespace, ['agents']);
    const reports = names.serviceQueue('agents', 'reports');
    await deleteBrokerNames([...standard.queues, reports, names.deadQueue(reports), ...agentQueues], standard.exchanges);
  });

  it('registers: online with what it reported, the online event in the outbox, its queue declared and bound, held tasks reconciled', async () => {
    const agent = await createAgent('lab-reg');
    const keep = { task_id: randomUUID(), attempt: 1 };
    const drop = { task_id: randomUUID(), attempt: 2 };
    const exercises = await standInReconciler(() => ({ keep: [keep], drop: [drop] }));
    try {
      const view = await register(agent.id, { capabilities, labels: { site: 'lab-a' }, version: '0.1.0', held_tasks: [keep, drop] });
      expect(view).toEqual({
        agent_id: agent.id,
        name: 'lab-reg',
        heartbeat_interval_seconds: 1,
        offline_after_seconds: OFFLINE_AFTER_SECONDS,
        queue: names.agentQueue(agent.id),
        keep: [keep],
        drop: [drop],
      });
      expect(exercises.requests).toEqual([{ agent_id: agent.id, held_tasks: [keep, drop] }]);
    } finally {
      await exercises.close();
    }

    const [row] = await db.query<{ status: string; capabilities: object; labels: object; daemon_version: string; last_heartbeat: Date }>(
      'SELECT status, capabilities, labels, daemon_version, last_heartbeat FROM agents.agents WHERE id = $1',
      [agent.id],
    );
    expect(row).toMatchObject({ status: 'online', capabilities, labels: { site: 'lab-a' }, daemon_version: '0.1.0' });
    expect(Date.now() - row.last_heartbeat.getTime()).toBeLessThan(2000);

    expect(await outboxOf(agent.id, 'agents.agent.online')).toEqual([
      { routing_key: 'agents.agent.online', payload: { agent_id: agent.id, name: 'lab-reg', capabilities, presence_seq: 1 } },
    ]);

    const ch = await broker.createChannel();
    await ch.checkQueue(names.agentQueue(agent.id));
    await ch.checkQueue(names.deadQueue(names.agentQueue(agent.id)));
    // Bound to proctor.agents by the agent id: a command sent there lands in it.
    ch.publish(names.agentsExchange, agent.id, Buffer.from('{"command":"kill_all","exercise_id":"x"}'));
    const delivered = await expectEventually(async () => {
      const m = await ch.get(names.agentQueue(agent.id), { noAck: true });
      if (!m) throw new Error('nothing in the agent queue yet');
      return m;
    });
    expect(delivered.content.toString()).toContain('kill_all');
    await ch.close();
  });

  it('keeps everything held when the exercises service does not answer, rather than failing the registration', async () => {
    const agent = await createAgent('lab-reg-alone');
    const held = [{ task_id: randomUUID(), attempt: 1 }];
    const view = await register(agent.id, { held_tasks: held });
    expect(view.keep).toEqual(held);
    expect(view.drop).toEqual([]);
    expect(await statusOf(agent.id)).toBe('online');
  });

  it('merges labels: an admin label survives, the daemon wins on the keys it sends', async () => {
    const agent = await client.rpc.call<CreatedAgentView>(AgentsRpc.Create, { name: 'lab-labels', labels: { rack: '3', site: 'old' } });
    agentQueues.push(names.agentQueue(agent.id), names.deadQueue(names.agentQueue(agent.id)));
    await register(agent.id, { labels: { site: 'lab-b' } });
    expect((await client.rpc.call<AgentView>(AgentsRpc.Get, { id: agent.id })).labels).toEqual({ rack: '3', site: 'lab-b' });
  });

  it('answers agent_not_found to a registration or heartbeat of an unknown agent, and declares no queue for it', async () => {
    const id = randomUUID();
    for (const call of [register(id), heartbeat(id)]) {
      const error = (await call.catch((e: unknown) => e)) as ProctorError;
      expect(error.code).toBe('agent_not_found');
    }
    const ch = await broker.createChannel();
    ch.on('error', () => undefined);
    await expect(ch.checkQueue(names.agentQueue(id))).rejects.toThrow(/NOT_FOUND/);
  });

  it('heartbeats: the beat moves on, capabilities sent are merged in, no event while online', async () => {
    const agent = await createAgent('lab-beat');
    await register(agent.id, { capabilities });
    const before = (await db.query<{ last_heartbeat: Date }>('SELECT last_heartbeat FROM agents.agents WHERE id = $1', [agent.id]))[0].last_heartbeat;
    await new Promise((r) => setTimeout(r, 20));
    const docker = { available: true, verified_at: '2026-11-23T10:01:00.000Z' };
    const answer = await heartbeat(agent.id, { capabilities: { docker } });
    expect(answer).toMatchObject({ status: 'ok', agent_id: agent.id });
    const [row] = await db.query<{ last_heartbeat: Date; capabilities: object }>('SELECT last_heartbeat, capabilities FROM agents.agents WHERE id = $1', [agent.id]);
    expect(row.last_heartbeat.getTime()).toBeGreaterThan(before.getTime());
    expect(row.capabilities).toEqual({ ...capabilities, docker });
    expect(await outboxOf(agent.id, 'agents.agent.online')).toHaveLength(1);
  });

  it('takes an agent offline at once when it says it is disconnecting, with reason disconnect, once; each event newer by presence_seq', async () => {
    const agent = await createAgent('lab-bye');
    await register(agent.id);
    await heartbeat(agent.id, { status: 'disconnecting' });
    expect(await statusOf(agent.id)).toBe('offline');
    await heartbeat(agent.id, { status: 'disconnecting' });
    const events = await outboxOf(agent.id, 'agents.agent.offline');
    expect(events).toEqual([
      { routing_key: 'agents.agent.offline', payload: { agent_id: agent.id, name: 'lab-bye', reason: 'disconnect', last_heartbeat: expect.any(String), presence_seq: 2 } },
    ]);
    // A heartbeat brings it back, announced.
    await heartbeat(agent.id);
    expect(await statusOf(agent.id)).toBe('online');
    const online = await outboxOf(agent.id, 'agents.agent.online');
    expect(online.map((e) => (e.payload as { presence_seq: number }).presence_seq)).toEqual([1, 4]);
  });

  it('marks a silent agent offline within the threshold plus a sweep, with reason timeout and its last beat', async () => {
    const agent = await createAgent('lab-silent');
    await register(agent.id);
    const [{ last_heartbeat: lastBeat }] = await db.query<{ last_heartbeat: Date }>('SELECT last_heartbeat FROM agents.agents WHERE id = $1', [agent.id]);
    const started = Date.now();
    await expectEventually(async () => expect(await statusOf(agent.id)).toBe('offline'), { timeoutMs: 5000 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(OFFLINE_AFTER_SECONDS * 1000 - 200);
    expect(took).toBeLessThan(OFFLINE_AFTER_SECONDS * 1000 + 1000);
    expect(await outboxOf(agent.id, 'agents.agent.offline')).toEqual([
      { routing_key: 'agents.agent.offline', payload: { agent_id: agent.id, name: 'lab-silent', reason: 'timeout', last_heartbeat: lastBeat.toISOString(), presence_seq: 2 } },
    ]);
  });

  it('counts any report carrying x-agent-id as a sign of life: a reporting agent stays online, a silent one does not', async () => {
    const reporting = await createAgent('lab-reporting');
    const silent = await createAgent('lab-quiet');
    await register(reporting.id);
    await register(silent.id);
    const ch = await broker.createConfirmChannel();
    const until = Date.now() + OFFLINE_AFTER_SECONDS * 1000 + 1500;
    while (Date.now() < until) {
      ch.publish(names.reportsExchange, 'task.started', Buffer.from(JSON.stringify({ task_id: randomUUID(), attempt: 1 })), {
        headers: { 'x-agent-id': reporting.id },
        persistent: true,
      });
      await ch.waitForConfirms();
      await new Promise((r) => setTimeout(r, 300));
    }
    await ch.close();
    expect(await statusOf(silent.id)).toBe('offline');
    expect(await statusOf(reporting.id)).toBe('online');
    // Reports stop: it goes silent like any other.
    await expectEventually(async () => expect(await statusOf(reporting.id)).toBe('offline'), { timeoutMs: 5000 });
  });

  it('with two replicas sweeping, marks each silent agent offline once', async () => {
    const second = await startService(AGENTS_SERVICE, { db, namespace, env: PRESENCE_ENV });
    try {
      const agents = await Promise.all([1, 2, 3, 4].map((n) => createAgent(`lab-pair-${n}`)));
      await Promise.all(agents.map((a) => register(a.id)));
      await expectEventually(async () => {
        for (const a of agents) expect(await statusOf(a.id)).toBe('offline');
      }, { timeoutMs: 6000 });
      await new Promise((r) => setTimeout(r, 300)); // a few more sweeps of both replicas
      for (const a of agents) expect(await outboxOf(a.id, 'agents.agent.offline')).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it('deletes the agent queue and its dead letters with the agent', async () => {
    const agent = await createAgent('lab-deleted');
    await register(agent.id);
    const ch = await broker.createChannel();
    await ch.checkQueue(names.agentQueue(agent.id));
    await ch.close();
    await client.rpc.call(AgentsRpc.Delete, { id: agent.id });
    for (const queue of [names.agentQueue(agent.id), names.deadQueue(names.agentQueue(agent.id))]) {
      const check = await broker.createChannel();
      check.on('error', () => undefined);
      await expect(check.checkQueue(queue)).rejects.toThrow(/NOT_FOUND/);
    }
  });
});
