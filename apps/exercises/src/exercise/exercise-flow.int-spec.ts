import {
  AgentCapabilities,
  AgentCommand,
  AgentsEvent,
  ClaimTaskView,
  ExerciseDetailView,
  ExerciseResultsView,
  ExercisesRpc,
  ExerciseView,
  Page,
  PortReservationView,
  PortsRpc,
  ProctorError,
  ReconcileTasksView,
  TaskReport,
  TasksRpc,
  TaskView,
  TestView,
} from '@proctor/contracts';
import { BrokerNames, MessageHeader, RpcClient } from '@proctor/messaging';
import { pendingSchemaChanges } from '@proctor/persistence';
import {
  createTestDatabase,
  deleteBrokerNames,
  expectEventually,
  namespaceBrokerNames,
  RunningService,
  SimulatedAgent,
  startRpcClient,
  startService,
  TEST_AMQP_URL,
  TestDatabase,
  testNamespace,
} from '@proctor/testing';
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { EXERCISES_SERVICE } from '../exercises.service-definition';
import tcpOutput from '../result/fixtures/iperf3-3.12-tcp.json';
import { isRun } from '../testing/task-command-match';

const SERVICE_ENV = {
  EXERCISES_PORT_RANGE: '5201-5204',
  EXERCISES_SLOT_GRACE_SECONDS: '1',
  EXERCISES_DISPATCH_POLL_MS: '200',
  EXERCISES_SWEEP_INTERVAL_MS: '200',
  EXERCISES_RESERVATION_CLEANUP_MS: '300',
  EXERCISES_REDISPATCH_SECONDS: '60',
};

/**
 * The exercise flow against a real Postgres and RabbitMQ, with agent daemons played on the broker
 * (their queues on `proctor.agents`, their reports on `proctor.reports`) and the agent directory fed
 * by `agents.*` events as the agents service publishes them.
 */
describe('exercises: start, dispatch, reports, results, sweeps (real Postgres and RabbitMQ)', () => {
  const namespace = testNamespace();
  const names = new BrokerNames(namespace);
  let db: TestDatabase;
  let service: RunningService;
  let client: { rpc: RpcClient; close(): Promise<void> };
  let connection: amqp.ChannelModel;
  let events: amqp.ConfirmChannel;
  const agents: SimulatedAgent<AgentCommand>[] = [];

  async function publishEvent(routingKey: string, payload: unknown, messageId: string = randomUUID()): Promise<string> {
    events.publish(names.eventsExchange, routingKey, Buffer.from(JSON.stringify(payload)), { messageId, persistent: true, contentType: 'application/json' });
    await events.waitForConfirms();
    return messageId;
  }

  /** An agent known to the directory (created, online with its interfaces), with or without its queue. */
  async function agent(options: { withQueue?: boolean; capabilities?: AgentCapabilities } = {}): Promise<SimulatedAgent<AgentCommand>> {
    const simulated = await SimulatedAgent.start<AgentCommand>(connection, names, randomUUID(), options.withQueue ?? true);
    agents.push(simulated);
    const name = `lab-${simulated.agentId.slice(0, 8)}`;
    await publishEvent(AgentsEvent.Created, { agent_id: simulated.agentId, name, labels: {} });
    if (options.capabilities) await publishEvent(AgentsEvent.Online, { agent_id: simulated.agentId, name, capabilities: options.capabilities });
    await expectEventually(async () => {
      const [row] = await db.query<{ capabilities: unknown }>('SELECT capabilities FROM exercises.agent_directory WHERE agent_id = $1', [simulated.agentId]);
      expect(row).toBeDefined();
      if (options.capabilities) expect(row.capabilities).not.toBeNull();
    });
    return simulated;
  }

  function call<T>(pattern: string, payload: unknown): Promise<T> {
    return client.rpc.call<T>(pattern, payload);
  }

  async function failure(pattern: string, payload: unknown): Promise<ProctorError> {
    const error = await client.rpc.call(pattern, payload).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProctorError);
    return error as ProctorError;
  }

  async function exerciseWith(tests: { client: SimulatedAgent<AgentCommand>; server: SimulatedAgent<AgentCommand>; duration?: number; protocol?: 'tcp' | 'udp' }[]): Promise<ExerciseView> {
    const exercise = await call<ExerciseView>(ExercisesRpc.Create, { name: `flow ${randomUUID().slice(0, 6)}` });
    for (const t of tests) {
      await call<TestView>(ExercisesRpc.AddTest, {
        exercise_id: exercise.id,
        client_agent_id: t.client.agentId,
        server_agent_id: t.server.agentId,
        duration_seconds: t.duration ?? 1,
        protocol: t.protocol ?? 'tcp',
      });
    }
    return exercise;
  }

  const taskOf = (detail: ExerciseDetailView, kind: TaskView['kind'], agentId?: string): TaskView => {
    const task = detail.tasks.find((t) => t.kind === kind && (agentId === undefined || t.agent_id === agentId));
    if (!task) throw new Error(`no ${kind} task in ${JSON.stringify(detail.tasks)}`);
    return task;
  };

  const report = (task: TaskView, extra: Record<string, unknown> = {}) => ({ task_id: task.id, agent_id: task.agent_id, attempt: task.attempt, ...extra });

  async function taskRow(id: string): Promise<TaskView> {
    return call<TaskView>(TasksRpc.Get, { id });
  }

  async function counts(exerciseId: string): Promise<{ tasks: number; slots: number; reservations: number }> {
    const [row] = await db.query<{ tasks: string; slots: string; reservations: string }>(
      `SELECT (SELECT count(*) FROM exercises.tasks WHERE exercise_id = $1) AS tasks,
              (SELECT count(*) FROM exercises.task_slots s JOIN exercises.tasks t ON t.id = s.task_id WHERE t.exercise_id = $1) AS slots,
              (SELECT count(*) FROM exercises.port_reservations WHERE exercise_id = $1) AS reservations`,
      [exerciseId],
    );
    return { tasks: Number(row.tasks), slots: Number(row.slots), reservations: Number(row.reservations) };
  }

  beforeAll(async () => {
    db = await createTestDatabase(['exercises']);
    service = await startService(EXERCISES_SERVICE, { db, namespace, env: SERVICE_ENV });
    client = await startRpcClient(namespace);
    connection = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
    events = await connection.createConfirmChannel();
  });

  afterAll(async () => {
    for (const a of agents) await a.close();
    await connection?.close();
    await client?.close();
    await service?.stop();
    await db?.drop();
    const broker = namespaceBrokerNames(namespace, ['exercises']);
    const reports = names.serviceQueue('exercises', 'reports');
    await deleteBrokerNames([...broker.queues, reports, names.deadQueue(reports)], broker.exchanges);
  });

  describe('drafting', () => {
    it('adds tests only between two different agents that the directory knows and that are not deleted', async () => {
      const [a, b] = [await agent(), await agent()];
      const exercise = await exerciseWith([]);
      const base = { exercise_id: exercise.id, duration_seconds: 5, protocol: 'tcp' };
      const unknown = await failure(ExercisesRpc.AddTest, { ...base, client_agent_id: a.agentId, server_agent_id: randomUUID() });
      expect(unknown.code).toBe('unknown_agent');
      const same = await failure(ExercisesRpc.AddTest, { ...base, client_agent_id: a.agentId, server_agent_id: a.agentId });
      expect(same.code).toBe('validation_failed');
      expect(Object.keys((same.details as { fields: object }).fields)).toEqual(['server_agent_id']);

      await publishEvent(AgentsEvent.Deleted, { agent_id: b.agentId, name: 'gone' });
      await expectEventually(async () => {
        const [row] = await db.query<{ deleted_at: Date | null }>('SELECT deleted_at FROM exercises.agent_directory WHERE agent_id = $1', [b.agentId]);
        expect(row.deleted_at).toBeInstanceOf(Date);
      });
      expect((await failure(ExercisesRpc.AddTest, { ...base, client_agent_id: a.agentId, server_agent_id: b.agentId })).code).toBe('unknown_agent');

      const c = await agent();
      const test = await call<TestView>(ExercisesRpc.AddTest, { ...base, client_agent_id: a.agentId, server_agent_id: c.agentId, parallel: 4, reverse: true });
      expect(test).toMatchObject({ exercise_id: exercise.id, parallel: 4, reverse: true, bandwidth: null, wave: null, planned_start: null });
      const detail = await call<ExerciseDetailView>(ExercisesRpc.Get, { id: exercise.id });
      expect(detail).toMatchObject({ status: 'draft', tests: [test], tasks: [] });
    });

    it('refuses to start an exercise without tests, and lists by status', async () => {
      const empty = await exerciseWith([]);
      const error = await failure(ExercisesRpc.Start, { id: empty.id });
      expect(error.code).toBe('exercise_state_conflict');
      expect(error.details).toMatchObject({ status: 'draft', tests: 0 });
      const drafts = await call<Page<ExerciseView>>(ExercisesRpc.List, { status: 'draft', limit: 200 });
      expect(drafts.items.map((e) => e.id)).toContain(empty.id);
      expect(drafts.items.every((e) => e.status === 'draft')).toBe(true);
    });
  });

  it('runs a test end to end: server, then client with port and address, results, auto-end with kill_all', async () => {
    const interfaces = { items: [{ name: 'lo', addresses: ['127.0.0.1/8'] }, { name: 'eth0', addresses: ['fe80::1/64', '10.9.8.7/24'] }], verified_at: new Date().toISOString() };
    const server = await agent({ capabilities: { interfaces } });
    const clientAgent = await agent();
    const exercise = await exerciseWith([{ client: clientAgent, server, duration: 1 }]);

    const started = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
    expect(started.status).toBe('running');
    expect(started.started_at).not.toBeNull();
    expect(started.tests[0]).toMatchObject({ wave: 0 });
    const serverTask = taskOf(started, 'iperf3_server');
    const clientTask = taskOf(started, 'iperf3_client');
    expect(serverTask).toMatchObject({ agent_id: server.agentId, port: 5201, attempt: 1, state: 'pending' });
    expect(clientTask).toMatchObject({ agent_id: clientAgent.agentId, port: 5201 });
    expect(serverTask.slot_start).toBe(clientTask.slot_start);
    expect(Date.parse(serverTask.slot_end ?? '') - Date.parse(serverTask.slot_start ?? '')).toBe(2000);

    const run = await server.next(isRun('iperf3_server'));
    expect(run.command).toEqual({
      command: 'run',
      task: {
        task_id: serverTask.id,
        attempt: 1,
        exercise_id: exercise.id,
        kind: 'iperf3_server',
        port: 5201,
        server_address: null,
        duration_seconds: 1,
        protocol: 'tcp',
        parallel: 1,
        bandwidth: null,
        reverse: false,
        deadline: serverTask.slot_end,
      },
    });
    // The client waits for its server to listen.
    await new Promise((r) => setTimeout(r, 300));
    expect(clientAgent.commands()).toEqual([]);

    await server.report(TaskReport.Accepted, report(serverTask));
    await server.report(TaskReport.Started, report(serverTask));
    const clientRun = await clientAgent.next(isRun('iperf3_client'));
    expect(clientRun.command).toMatchObject({ command: 'run', task: { task_id: clientTask.id, port: 5201, server_address: '10.9.8.7', duration_seconds: 1 } });

    await clientAgent.report(TaskReport.Accepted, report(clientTask));
    await clientAgent.report(TaskReport.Started, report(clientTask));
    await clientAgent.report(TaskReport.Finished, report(clientTask, { success: true, output: tcpOutput }));
    // The same report again (a redelivery, a retried publish), and once more over RPC: applied once.
    await clientAgent.report(TaskReport.Finished, report(clientTask, { success: true, output: tcpOutput }));
    await expectEventually(async () => expect((await taskRow(clientTask.id)).state).toBe('succeeded'));
    const again = await call<TaskView>(TasksRpc.Result, report(clientTask, { success: true, output: tcpOutput }));
    expect(again.state).toBe('succeeded');
    await server.report(TaskReport.Finished, report(serverTask, { success: true }));

    const results = await call<ExerciseResultsView>(ExercisesRpc.Results, { id: exercise.id });
    expect(results).toEqual({
      exercise_id: exercise.id,
      results: [
        {
          test_id: started.tests[0].id,
          task_id: clientTask.id,
          protocol: 'tcp',
          sent_bps: 20485647700.628223,
          received_bps: 20399165115.799522,
          retransmits: 9,
          jitter_ms: null,
          lost_percent: null,
          intervals: [{ start_seconds: 0, end_seconds: 1.000121, bits_per_second: 20485647753.29262 }],
        },
      ],
    });
    const [stored] = await db.query<{ count: string; raw: unknown }>(`SELECT count(*) OVER () AS count, raw FROM exercises.task_results WHERE task_id = $1`, [clientTask.id]);
    expect(stored).toEqual({ count: '1', raw: tcpOutput });

    await expectEventually(async () => {
      const ended = await call<ExerciseDetailView>(ExercisesRpc.Get, { id: exercise.id });
      expect(ended).toMatchObject({ status: 'ended', ended_reason: 'completed' });
    });
    const killAll: AgentCommand = { command: 'kill_all', exercise_id: exercise.id };
    await server.next((c) => c.command === 'kill_all');
    await clientAgent.next((c) => c.command === 'kill_all');
    expect(server.commands((c) => c.command === 'kill_all')).toEqual([killAll]);
    // Each task was sent exactly once.
    expect(server.commands((c) => c.command === 'run')).toHaveLength(1);
    expect(clientAgent.commands((c) => c.command === 'run')).toHaveLength(1);
    const ended = await call<ExerciseDetailView>(ExercisesRpc.Get, { id: exercise.id });
    await expectEventually(async () => {
      const detail = await call<ExerciseDetailView>(ExercisesRpc.Get, { id: exercise.id });
      expect(detail.tasks.filter((t) => t.kind === 'kill_all').map((t) => t.state)).toEqual(['succeeded', 'succeeded']);
    });
    expect(ended.tasks.filter((t) => t.kind === 'kill_all').map((t) => t.agent_id).sort()).toEqual([server.agentId, clientAgent.agentId].sort());
    const held = await call<Page<PortReservationView>>(PortsRpc.ListReservations, { agent_id: server.agentId });
    expect(held.items).toEqual([]);
    const outbox = await db.query<{ routing_key: string; payload: { reason?: string } }>(
      `SELECT routing_key, payload FROM exercises.outbox WHERE payload->>'exercise_id' = $1 ORDER BY id`,
      [exercise.id],
    );
    expect(outbox.map((o) => o.routing_key)).toEqual(['exercises.exercise.created', 'exercises.exercise.started', 'exercises.exercise.ended']);
    expect(outbox[2].payload.reason).toBe('completed');
  });

  it('has the first server command in the daemon hands within 5 ms of Start returning (p50)', async () => {
    const samples: number[] = [];
    for (let i = 0; i < 15; i++) {
      const [server, clientAgent] = [await agent(), await agent()];
      const exercise = await exerciseWith([{ client: clientAgent, server }]);
      const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
      const returned = performance.now();
      const arrival = await server.next(isRun('iperf3_server'));
      samples.push(Math.max(0, arrival.at - returned));
      await call(ExercisesRpc.Stop, { id: detail.id });
    }
    samples.sort((a, b) => a - b);
    const p50 = samples[Math.floor(samples.length / 2)];
    process.stdout.write(`start-to-daemon latency ms: p50=${p50.toFixed(2)} max=${samples[samples.length - 1].toFixed(2)}\n`);
    expect(p50).toBeLessThanOrEqual(5);
  });

  it('puts tests that share an agent into different waves whose slots do not overlap', async () => {
    const [a, b, c, d] = [await agent(), await agent(), await agent(), await agent()];
    const exercise = await exerciseWith([
      { client: a, server: b, duration: 3 },
      { client: c, server: b, duration: 2 },
      // Free before the second test on c, but too long to fit there: after it.
      { client: c, server: d, duration: 5 },
    ]);
    const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
    expect(detail.tests.map((t) => t.wave)).toEqual([0, 1, 2]);
    expect(detail.tests[1].planned_start).toBe(detail.tests[0].planned_end);
    expect(detail.tests[2].planned_start).toBe(detail.tests[1].planned_end);
    for (const agentId of [a, b, c, d].map((x) => x.agentId)) {
      const slots = detail.tasks
        .filter((t) => t.agent_id === agentId)
        .map((t) => [Date.parse(t.slot_start ?? ''), Date.parse(t.slot_end ?? '')])
        .sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < slots.length; i++) expect(slots[i][0]).toBeGreaterThanOrEqual(slots[i - 1][1]);
    }
    // Two tests on b: two server tasks, two ports.
    const ports = detail.tasks.filter((t) => t.kind === 'iperf3_server' && t.agent_id === b.agentId).map((t) => t.port);
    expect(ports.sort()).toEqual([5201, 5202]);
    await call(ExercisesRpc.Stop, { id: exercise.id });
  });

  it('serializes two exercises started at the same moment on the same agents: the database refuses an overlap', async () => {
    const [x, y] = [await agent(), await agent()];
    const first = await exerciseWith([{ client: x, server: y, duration: 5 }]);
    const second = await exerciseWith([{ client: y, server: x, duration: 5 }]);
    const [one, two] = await Promise.all([call<ExerciseDetailView>(ExercisesRpc.Start, { id: first.id }), call<ExerciseDetailView>(ExercisesRpc.Start, { id: second.id })]);
    expect([one.status, two.status]).toEqual(['running', 'running']);
    const slots = await db.query<{ agent_id: string; lo: Date; hi: Date }>(
      `SELECT agent_id, lower(slot) AS lo, upper(slot) AS hi FROM exercises.task_slots WHERE agent_id = ANY($1) ORDER BY agent_id, lower(slot)`,
      [[x.agentId, y.agentId]],
    );
    expect(slots).toHaveLength(4);
    for (const agentId of [x.agentId, y.agentId]) {
      const mine = slots.filter((s) => s.agent_id === agentId);
      expect(mine[1].lo.getTime()).toBeGreaterThanOrEqual(mine[0].hi.getTime());
    }
    // The guarantee is the database's: an overlapping slot on one agent is refused, whoever inserts it.
    const fresh = await db.query<{ id: string }>(
      `INSERT INTO exercises.tasks (exercise_id, agent_id, kind) VALUES ($1, $2, 'iperf3_server') RETURNING id`,
      [second.id, x.agentId],
    );
    const refused = await db
      .query(`INSERT INTO exercises.task_slots (task_id, agent_id, slot) VALUES ($1, $2, tstzrange(now(), now() + interval '1 hour'))`, [fresh[0].id, x.agentId])
      .then(
        () => 'inserted',
        (e: { code?: string; constraint?: string }) => `${e.code} ${e.constraint}`,
      );
    expect(refused).toBe('23P01 task_slots_no_overlap');
    await db.query(`DELETE FROM exercises.tasks WHERE id = $1`, [fresh[0].id]);
    await call(ExercisesRpc.Stop, { id: first.id });
    await call(ExercisesRpc.Stop, { id: second.id });
  });

  it('answers port_conflict when a server agent has no free port left, and changes nothing', async () => {
    const server = await agent();
    const clients = [await agent(), await agent(), await agent(), await agent(), await agent()];
    const exercise = await exerciseWith(clients.map((c) => ({ client: c, server })));
    const error = await failure(ExercisesRpc.Start, { id: exercise.id });
    expect(error.code).toBe('port_conflict');
    expect(error.details).toEqual({ agent_id: server.agentId, free: 4, wanted: 5, range: '5201-5204' });
    const detail = await call<ExerciseDetailView>(ExercisesRpc.Get, { id: exercise.id });
    expect(detail).toMatchObject({ status: 'draft', started_at: null, tasks: [] });
    expect(detail.tests.every((t) => t.wave === null)).toBe(true);
    expect(await counts(exercise.id)).toEqual({ tasks: 0, slots: 0, reservations: 0 });
    const outbox = await db.query(`SELECT 1 FROM exercises.outbox WHERE routing_key = 'exercises.exercise.started' AND payload->>'exercise_id' = $1`, [exercise.id]);
    expect(outbox).toEqual([]);
  });

  describe('reports', () => {
    it('refuses an illegal transition with task_state_conflict, a stale attempt with task_attempt_stale, another agent with task_not_found', async () => {
      const [server, clientAgent] = [await agent(), await agent()];
      const exercise = await exerciseWith([{ client: clientAgent, server, duration: 30 }]);
      const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
      const serverTask = taskOf(detail, 'iperf3_server');
      await server.next(isRun('iperf3_server'));

      const stale = await failure(TasksRpc.Accepted, report(serverTask, { attempt: 2 }));
      expect(stale.code).toBe('task_attempt_stale');
      const stranger = await failure(TasksRpc.Accepted, report(serverTask, { agent_id: clientAgent.agentId }));
      expect(stranger.code).toBe('task_not_found');
      expect((await taskRow(serverTask.id)).state).toBe('pending');

      await call(TasksRpc.Accepted, report(serverTask));
      await call(TasksRpc.Started, report(serverTask));
      await call(TasksRpc.Result, report(serverTask, { success: false, error: 'iperf3: address in use' }));
      const failed = await taskRow(serverTask.id);
      expect(failed).toMatchObject({ state: 'failed', reason: 'agent_reported_failure', error: 'iperf3: address in use' });
      const conflict = await failure(TasksRpc.Result, report(serverTask, { success: true }));
      expect(conflict.code).toBe('task_state_conflict');
      expect(await taskRow(serverTask.id)).toEqual(failed);
      // The waiting client goes with its server: nothing listens for it.
      await expectEventually(async () => expect(await taskRow(taskOf(detail, 'iperf3_client').id)).toMatchObject({ state: 'failed', reason: 'server_not_listening' }));
    });

    it('dead-letters an invalid report from the queue and goes on with the next', async () => {
      const [server, clientAgent] = [await agent(), await agent()];
      const exercise = await exerciseWith([{ client: clientAgent, server, duration: 30 }]);
      const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
      const serverTask = taskOf(detail, 'iperf3_server');
      await server.report(TaskReport.Started, { task_id: serverTask.id, agent_id: server.agentId, attempt: 0 });
      await server.report(TaskReport.Started, report(serverTask), randomUUID());
      await server.report(TaskReport.Started, report(serverTask));
      await expectEventually(async () => expect((await taskRow(serverTask.id)).state).toBe('running'));
      const reports = names.serviceQueue('exercises', 'reports');
      const dead: amqp.GetMessage[] = [];
      await expectEventually(async () => {
        const message = await events.get(names.deadQueue(reports), { noAck: true });
        if (message) dead.push(message);
        expect(dead).toHaveLength(2);
      });
      const reasons = dead.map((m) => String(m.properties.headers?.[MessageHeader.DeadReason]));
      expect(reasons.some((r) => r.includes('attempt'))).toBe(true);
      expect(reasons.some((r) => r.includes('does not match agent_id'))).toBe(true);
      await call(ExercisesRpc.Stop, { id: exercise.id });
    });
  });

  describe('sweeps', () => {
    it('times out a client that runs past its duration and grace, then the server after its slot; the exercise completes', async () => {
      const [server, clientAgent] = [await agent(), await agent()];
      const exercise = await exerciseWith([{ client: clientAgent, server, duration: 1 }]);
      const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
      const [serverTask, clientTask] = [taskOf(detail, 'iperf3_server'), taskOf(detail, 'iperf3_client')];
      await server.report(TaskReport.Started, report(serverTask));
      await clientAgent.next(isRun('iperf3_client'));
      await clientAgent.report(TaskReport.Started, report(clientTask));
      await expectEventually(async () => expect(await taskRow(clientTask.id)).toMatchObject({ state: 'timed_out', reason: 'timed_out' }), { timeoutMs: 6000 });
      await expectEventually(async () => expect(await taskRow(serverTask.id)).toMatchObject({ state: 'timed_out', reason: 'timed_out' }), { timeoutMs: 6000 });
      await expectEventually(async () => expect(await call<ExerciseView>(ExercisesRpc.Get, { id: exercise.id })).toMatchObject({ status: 'ended', ended_reason: 'completed' }));
    });

    it('fails what never started by the end of its slot, with the reason: agent_offline, server_not_listening', async () => {
      const unregistered = await agent({ withQueue: false });
      const clientAgent = await agent();
      const exercise = await exerciseWith([{ client: clientAgent, server: unregistered, duration: 1 }]);
      const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
      const [serverTask, clientTask] = [taskOf(detail, 'iperf3_server'), taskOf(detail, 'iperf3_client')];
      // No queue for the server agent: the command comes back unroutable and the task stays pending.
      await expectEventually(async () => {
        const [row] = await db.query<{ held_reason: string; dispatched_at: Date | null }>('SELECT held_reason, dispatched_at FROM exercises.tasks WHERE id = $1', [serverTask.id]);
        expect(row).toEqual({ held_reason: 'unroutable', dispatched_at: null });
      });
      await expectEventually(async () => expect(await taskRow(serverTask.id)).toMatchObject({ state: 'failed', reason: 'agent_offline' }), { timeoutMs: 6000 });
      expect(await taskRow(clientTask.id)).toMatchObject({ state: 'failed', reason: 'server_not_listening' });
      expect(clientAgent.commands((c) => c.command === 'run')).toEqual([]);
    });

    it('sends a task once the agent registers its queue (an unroutable command is retried)', async () => {
      const late = await agent({ withQueue: false });
      const clientAgent = await agent();
      const exercise = await exerciseWith([{ client: clientAgent, server: late, duration: 30 }]);
      const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
      await new Promise((r) => setTimeout(r, 300));
      await late.openQueue();
      const run = await late.next(isRun('iperf3_server'));
      expect(run.command).toMatchObject({ task: { task_id: taskOf(detail, 'iperf3_server').id, attempt: 1 } });
      await call(ExercisesRpc.Stop, { id: exercise.id });
    });

    it('sends a command again, same attempt, when it is not accepted in time', async () => {
      const [server, clientAgent] = [await agent(), await agent()];
      const exercise = await exerciseWith([{ client: clientAgent, server, duration: 30 }]);
      const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
      const serverTask = taskOf(detail, 'iperf3_server');
      await server.next(isRun('iperf3_server'));
      // As if EXERCISES_REDISPATCH_SECONDS (60 here) had passed without an `accepted`.
      await db.query(`UPDATE exercises.tasks SET dispatched_at = now() - interval '61 seconds' WHERE id = $1`, [serverTask.id]);
      const again = await server.next(isRun('iperf3_server'), 5000, 1);
      expect(again.command).toMatchObject({ task: { task_id: serverTask.id, attempt: 1 } });
      // The daemon has the command before the broker confirms it and the row records it.
      await expectEventually(async () => {
        const [row] = await db.query<{ dispatch_count: number }>('SELECT dispatch_count FROM exercises.tasks WHERE id = $1', [serverTask.id]);
        expect(row.dispatch_count).toBe(2);
      });
      await server.report(TaskReport.Accepted, report(serverTask));
      await expectEventually(async () => expect((await taskRow(serverTask.id)).state).toBe('accepted'));
      await call(ExercisesRpc.Stop, { id: exercise.id });
    });

    it('releases a reservation left behind by a task that ended', async () => {
      const [server, clientAgent] = [await agent(), await agent()];
      const exercise = await exerciseWith([{ client: clientAgent, server, duration: 30 }]);
      const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
      const serverTask = taskOf(detail, 'iperf3_server');
      await call(TasksRpc.Cancel, { id: serverTask.id });
      // As if the release that goes with the end had been lost.
      await db.query('UPDATE exercises.port_reservations SET released_at = NULL WHERE task_id = $1', [serverTask.id]);
      await expectEventually(async () => {
        const [row] = await db.query<{ released_at: Date | null }>('SELECT released_at FROM exercises.port_reservations WHERE task_id = $1', [serverTask.id]);
        expect(row.released_at).toBeInstanceOf(Date);
      });
    });
  });

  /** A 30 s test whose server is running and whose client has accepted its run. */
  async function clientUnderWay() {
    const [server, clientAgent] = [await agent(), await agent()];
    const exercise = await exerciseWith([{ client: clientAgent, server, duration: 30 }]);
    const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
    const [serverTask, clientTask] = [taskOf(detail, 'iperf3_server'), taskOf(detail, 'iperf3_client')];
    await call(TasksRpc.Started, report(serverTask));
    await clientAgent.next(isRun('iperf3_client'));
    await call(TasksRpc.Accepted, report(clientTask));
    return { clientAgent, exercise, serverTask, clientTask };
  }

  it('fails the active tasks of an agent that went offline, once per event', async () => {
    const { clientAgent, exercise, serverTask, clientTask } = await clientUnderWay();
    const offline = { agent_id: clientAgent.agentId, name: 'lab-client', reason: 'timeout', last_heartbeat: new Date().toISOString() };
    const messageId = await publishEvent(AgentsEvent.Offline, offline);
    await expectEventually(async () => expect(await taskRow(clientTask.id)).toMatchObject({ state: 'failed', reason: 'agent_offline' }));
    expect((await taskRow(serverTask.id)).state).toBe('running');
    await publishEvent(AgentsEvent.Offline, offline, messageId);
    await expectEventually(async () => {
      const inbox = await db.query(`SELECT consumer FROM exercises.inbox WHERE message_id = $1`, [messageId]);
      expect(inbox).toEqual([{ consumer: 'exercises.agent-offline' }]);
    });
    await call(ExercisesRpc.Stop, { id: exercise.id });
  });

  it("fails nothing on an offline event older than the agent's last online one, and keeps the newer session's addresses", async () => {
    const { clientAgent, exercise, clientTask } = await clientUnderWay();
    const name = 'lab-client';
    const verified_at = new Date().toISOString();
    const newer = { interfaces: { items: [{ name: 'eth1', addresses: ['10.9.0.2'] }], verified_at } };
    const older = { interfaces: { items: [{ name: 'eth0', addresses: ['10.9.0.1'] }], verified_at } };
    await publishEvent(AgentsEvent.Online, { agent_id: clientAgent.agentId, name, capabilities: newer, presence_seq: 12 });
    // Applied first, as it would be in the race this guards against (events are handled concurrently).
    await expectEventually(async () =>
      expect(await db.query('SELECT presence_seq FROM exercises.agent_directory WHERE agent_id = $1', [clientAgent.agentId])).toEqual([{ presence_seq: '12' }]),
    );
    const staleOnline = await publishEvent(AgentsEvent.Online, { agent_id: clientAgent.agentId, name, capabilities: older, presence_seq: 10 });
    const staleOffline = await publishEvent(AgentsEvent.Offline, { agent_id: clientAgent.agentId, name, reason: 'timeout', last_heartbeat: null, presence_seq: 11 });
    await expectEventually(async () =>
      expect(await db.query('SELECT message_id FROM exercises.inbox WHERE message_id = ANY($1) ORDER BY message_id', [[staleOnline, staleOffline]])).toHaveLength(2),
    );
    expect(await db.query('SELECT capabilities, presence_seq FROM exercises.agent_directory WHERE agent_id = $1', [clientAgent.agentId])).toEqual([
      { capabilities: newer, presence_seq: '12' },
    ]);
    expect((await taskRow(clientTask.id)).state).toBe('accepted');

    await publishEvent(AgentsEvent.Offline, { agent_id: clientAgent.agentId, name, reason: 'timeout', last_heartbeat: null, presence_seq: 13 });
    await expectEventually(async () => expect(await taskRow(clientTask.id)).toMatchObject({ state: 'failed', reason: 'agent_offline' }));
    await call(ExercisesRpc.Stop, { id: exercise.id });
  });

  it('stops a running exercise: active tasks canceled (exercise_stopped), kill_all sent, ports released, ended (stopped)', async () => {
    const [server, clientAgent] = [await agent(), await agent()];
    const exercise = await exerciseWith([{ client: clientAgent, server, duration: 30 }]);
    const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
    await server.next(isRun('iperf3_server'));
    await call(TasksRpc.Started, report(taskOf(detail, 'iperf3_server')));
    const stopped = await call<ExerciseView>(ExercisesRpc.Stop, { id: exercise.id });
    expect(stopped).toMatchObject({ status: 'ended', ended_reason: 'stopped' });
    const after = await call<ExerciseDetailView>(ExercisesRpc.Get, { id: exercise.id });
    expect(after.tasks.filter((t) => t.kind !== 'kill_all').map((t) => [t.state, t.reason])).toEqual([
      ['canceled', 'exercise_stopped'],
      ['canceled', 'exercise_stopped'],
    ]);
    await server.next((c) => c.command === 'kill_all');
    await clientAgent.next((c) => c.command === 'kill_all');
    expect((await call<Page<PortReservationView>>(PortsRpc.ListReservations, { agent_id: server.agentId })).items).toEqual([]);
    const [slot] = await db.query<{ empty: boolean; ended: boolean }>(
      `SELECT isempty(slot) AS empty, upper(slot) <= now() AS ended FROM exercises.task_slots WHERE task_id = $1`,
      [taskOf(detail, 'iperf3_client').id],
    );
    expect(slot.empty || slot.ended).toBe(true);
    expect((await failure(ExercisesRpc.Stop, { id: exercise.id })).code).toBe('exercise_state_conflict');
  });

  it('cancels a sent task and tells its agent', async () => {
    const [server, clientAgent] = [await agent(), await agent()];
    const exercise = await exerciseWith([{ client: clientAgent, server, duration: 30 }]);
    const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
    const serverTask = taskOf(detail, 'iperf3_server');
    await server.next(isRun('iperf3_server'));
    await call(TasksRpc.Accepted, report(serverTask));
    const canceled = await call<TaskView>(TasksRpc.Cancel, { id: serverTask.id });
    expect(canceled).toMatchObject({ state: 'canceled', reason: 'canceled' });
    expect((await server.next((c) => c.command === 'cancel')).command).toEqual({ command: 'cancel', task_id: serverTask.id, attempt: 1 });
    // Canceling again is answered as the first time (a retried call); canceling what ended otherwise is a conflict.
    expect(await call<TaskView>(TasksRpc.Cancel, { id: serverTask.id })).toEqual(canceled);
    expect(server.commands((c) => c.command === 'cancel')).toHaveLength(1);
    const clientTask = taskOf(detail, 'iperf3_client');
    await expectEventually(async () => expect(await taskRow(clientTask.id)).toMatchObject({ state: 'failed', reason: 'server_not_listening' }));
    expect((await failure(TasksRpc.Cancel, { id: clientTask.id })).code).toBe('task_state_conflict');
  });

  it('hands out tasks over the HTTP claim: the next due task, accepted, then nothing', async () => {
    const server = await agent({ withQueue: false, capabilities: { interfaces: { items: [{ name: 'eth0', addresses: ['192.0.2.10'] }], verified_at: new Date().toISOString() } } });
    const clientAgent = await agent({ withQueue: false });
    const exercise = await exerciseWith([{ client: clientAgent, server, duration: 30 }]);
    const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
    const [serverTask, clientTask] = [taskOf(detail, 'iperf3_server'), taskOf(detail, 'iperf3_client')];

    expect(await call<ClaimTaskView>(TasksRpc.Claim, { agent_id: clientAgent.agentId })).toEqual({ task: null });
    // SKIP LOCKED: while the dispatcher holds the row (trying the queue), a claim passes it by; the next one takes it.
    const claimed = await expectEventually(async () => {
      const view = await call<ClaimTaskView>(TasksRpc.Claim, { agent_id: server.agentId });
      expect(view.task).not.toBeNull();
      return view;
    });
    expect(claimed.task).toMatchObject({ task_id: serverTask.id, attempt: 1, kind: 'iperf3_server', port: 5201 });
    expect(await taskRow(serverTask.id)).toMatchObject({ state: 'accepted' });
    expect(await call<ClaimTaskView>(TasksRpc.Claim, { agent_id: server.agentId })).toEqual({ task: null });

    await call(TasksRpc.Started, report(serverTask));
    const clientClaim = await expectEventually(async () => {
      const view = await call<ClaimTaskView>(TasksRpc.Claim, { agent_id: clientAgent.agentId });
      expect(view.task).not.toBeNull();
      return view;
    });
    expect(clientClaim.task).toMatchObject({ task_id: clientTask.id, kind: 'iperf3_client', port: 5201, server_address: '192.0.2.10' });
    await call(ExercisesRpc.Stop, { id: exercise.id });
  });

  it('gives a claimed task that was already on the queue a new attempt, and cancels the queued one', async () => {
    const [server, clientAgent] = [await agent(), await agent()];
    const exercise = await exerciseWith([{ client: clientAgent, server, duration: 30 }]);
    const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
    const serverTask = taskOf(detail, 'iperf3_server');
    await server.next(isRun('iperf3_server'));
    // The command may arrive before the dispatcher has committed (its row is still locked and a claim passes it by).
    const claimed = await expectEventually(async () => {
      const view = await call<ClaimTaskView>(TasksRpc.Claim, { agent_id: server.agentId });
      expect(view.task).not.toBeNull();
      return view;
    });
    expect(claimed.task).toMatchObject({ task_id: serverTask.id, attempt: 2 });
    expect((await server.next((c) => c.command === 'cancel')).command).toEqual({ command: 'cancel', task_id: serverTask.id, attempt: 1 });
    expect((await failure(TasksRpc.Started, report(serverTask))).code).toBe('task_attempt_stale');
    await call(TasksRpc.Started, report(serverTask, { attempt: 2 }));
    expect(await taskRow(serverTask.id)).toMatchObject({ state: 'running', attempt: 2 });
    await call(ExercisesRpc.Stop, { id: exercise.id });
  });

  it('reconciles what a reconnected agent holds: keep the active task at its attempt, drop the rest', async () => {
    const [server, clientAgent] = [await agent(), await agent()];
    const exercise = await exerciseWith([{ client: clientAgent, server, duration: 30 }]);
    const detail = await call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
    const [serverTask, clientTask] = [taskOf(detail, 'iperf3_server'), taskOf(detail, 'iperf3_client')];
    await call(TasksRpc.Started, report(serverTask));
    const unknown = randomUUID();
    const view = await call<ReconcileTasksView>(TasksRpc.Reconcile, {
      agent_id: server.agentId,
      held_tasks: [
        { task_id: serverTask.id, attempt: 1 },
        { task_id: serverTask.id, attempt: 3 },
        { task_id: clientTask.id, attempt: 1 },
        { task_id: unknown, attempt: 1 },
      ],
    });
    expect(view).toEqual({
      keep: [{ task_id: serverTask.id, attempt: 1 }],
      drop: [
        { task_id: serverTask.id, attempt: 3 },
        { task_id: clientTask.id, attempt: 1 },
        { task_id: unknown, attempt: 1 },
      ],
    });
    await call(ExercisesRpc.Stop, { id: exercise.id });
    const afterStop = await call<ReconcileTasksView>(TasksRpc.Reconcile, { agent_id: server.agentId, held_tasks: [{ task_id: serverTask.id, attempt: 1 }] });
    expect(afterStop).toEqual({ keep: [], drop: [{ task_id: serverTask.id, attempt: 1 }] });
  });

  it('lists tasks by exercise, agent, state and kind', async () => {
    const [server, clientAgent] = [await agent(), await agent()];
    const exercise = await exerciseWith([{ client: clientAgent, server, duration: 30 }]);
    await call(ExercisesRpc.Start, { id: exercise.id });
    const servers = await call<Page<TaskView>>(TasksRpc.List, { exercise_id: exercise.id, kind: 'iperf3_server' });
    expect(servers.items.map((t) => t.agent_id)).toEqual([server.agentId]);
    const mine = await call<Page<TaskView>>(TasksRpc.List, { agent_id: clientAgent.agentId, state: 'pending' });
    expect(mine.items.map((t) => t.kind)).toEqual(['iperf3_client']);
    await call(ExercisesRpc.Stop, { id: exercise.id });
  });

  it('has migrations that match its entities', async () => {
    expect(await pendingSchemaChanges(service.app.get(DataSource))).toEqual([]);
  });
});
