import { AgentCommand, AgentsEvent, ExerciseDetailView, ExerciseResultsView, ExercisesRpc, ExerciseView, TaskReport, TaskView } from '@proctor/contracts';
import { expectEventually, serviceTest, SimulatedAgent, startService, TEST_AMQP_URL } from '@proctor/testing';
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { EXERCISES_SERVICE } from '../exercises.service-definition';
import tcpOutput from '../result/fixtures/iperf3-3.12-tcp.json';
import udpOutput from '../result/fixtures/iperf3-3.12-udp.json';
import { isRun } from '../testing/task-command-match';

const SERVICE_ENV = {
  EXERCISES_SLOT_GRACE_SECONDS: '1',
  EXERCISES_DISPATCH_POLL_MS: '200',
  EXERCISES_SWEEP_INTERVAL_MS: '200',
  EXERCISES_REDISPATCH_SECONDS: '60',
};

/**
 * The exercises service stopped mid-exercise (a deploy, a crash that closed cleanly) and started
 * again on the same database and broker namespace: reports sent while it was down are applied, a
 * wave that began meanwhile is sent, and nothing is lost or sent twice.
 */
describe('exercises service restarted mid-exercise (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(EXERCISES_SERVICE, { env: SERVICE_ENV });
  const { names } = ctx;
  let connection: amqp.ChannelModel;
  let events: amqp.ConfirmChannel;
  const agents: SimulatedAgent<AgentCommand>[] = [];

  async function agent(): Promise<SimulatedAgent<AgentCommand>> {
    const simulated = await SimulatedAgent.start<AgentCommand>(connection, names);
    agents.push(simulated);
    events.publish(names.eventsExchange, AgentsEvent.Created, Buffer.from(JSON.stringify({ agent_id: simulated.agentId, name: `lab-${simulated.agentId.slice(0, 8)}`, labels: {} })), {
      messageId: randomUUID(),
      persistent: true,
    });
    await events.waitForConfirms();
    await expectEventually(async () => expect(await ctx.db.query('SELECT 1 FROM exercises.agent_directory WHERE agent_id = $1', [simulated.agentId])).toHaveLength(1));
    return simulated;
  }

  async function startedExercise(tests: { client: SimulatedAgent<AgentCommand>; server: SimulatedAgent<AgentCommand>; duration: number; protocol: 'tcp' | 'udp' }[]): Promise<ExerciseDetailView> {
    const exercise = await ctx.rpc.call<ExerciseView>(ExercisesRpc.Create, { name: 'restart' });
    for (const t of tests) {
      await ctx.rpc.call(ExercisesRpc.AddTest, {
        exercise_id: exercise.id,
        client_agent_id: t.client.agentId,
        server_agent_id: t.server.agentId,
        duration_seconds: t.duration,
        protocol: t.protocol,
      });
    }
    return ctx.rpc.call<ExerciseDetailView>(ExercisesRpc.Start, { id: exercise.id });
  }

  const report = (task: TaskView, extra: Record<string, unknown> = {}) => ({ task_id: task.id, agent_id: task.agent_id, attempt: task.attempt, ...extra });
  const task = (detail: ExerciseDetailView, kind: TaskView['kind'], testIndex = 0) => {
    const found = detail.tasks.find((t) => t.kind === kind && t.test_id === detail.tests[testIndex].id);
    if (!found) throw new Error(`no ${kind} task for test ${testIndex}`);
    return found;
  };

  beforeAll(async () => {
    connection = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
    events = await connection.createConfirmChannel();
  });

  afterAll(async () => {
    for (const a of agents) await a.close();
    await connection?.close();
  });

  it('applies the reports sent while it was down, sends the wave that began meanwhile, and sends nothing twice', async () => {
    // One exercise whose client is running when the service stops, and finishes while it is down.
    const [s1, c1] = [await agent(), await agent()];
    const first = await startedExercise([{ client: c1, server: s1, duration: 5, protocol: 'tcp' }]);
    await s1.next(isRun('iperf3_server'));
    await s1.report(TaskReport.Started, report(task(first, 'iperf3_server')));
    await c1.next(isRun('iperf3_client'));
    await c1.report(TaskReport.Started, report(task(first, 'iperf3_client')));

    // Another whose second wave (on the shared client agent) begins while the service is down.
    const [x, y, z] = [await agent(), await agent(), await agent()];
    const second = await startedExercise([
      { client: x, server: y, duration: 1, protocol: 'udp' },
      { client: x, server: z, duration: 4, protocol: 'tcp' },
    ]);
    expect(second.tests.map((t) => t.wave)).toEqual([0, 1]);
    await y.next(isRun('iperf3_server'));
    await y.report(TaskReport.Started, report(task(second, 'iperf3_server', 0)));
    await x.next(isRun('iperf3_client'));
    await x.report(TaskReport.Started, report(task(second, 'iperf3_client', 0)));
    await x.report(TaskReport.Finished, report(task(second, 'iperf3_client', 0), { success: true, output: udpOutput }));
    await y.report(TaskReport.Finished, report(task(second, 'iperf3_server', 0), { success: true }));
    await expectEventually(async () =>
      expect((await ctx.db.query<{ state: string }>('SELECT state FROM exercises.tasks WHERE test_id = $1', [second.tests[0].id])).map((r) => r.state)).toEqual([
        'succeeded',
        'succeeded',
      ]),
    );
    expect(z.commands()).toEqual([]);

    await ctx.service?.stop();
    ctx.service = undefined;
    await c1.report(TaskReport.Finished, report(task(first, 'iperf3_client'), { success: true, output: tcpOutput }));
    await s1.report(TaskReport.Finished, report(task(first, 'iperf3_server'), { success: true }));
    const waveOneStart = Date.parse(second.tests[1].planned_start ?? '');
    await new Promise((r) => setTimeout(r, Math.max(0, waveOneStart - Date.now()) + 300));
    expect(z.commands()).toEqual([]);

    ctx.service = await startService(EXERCISES_SERVICE, { db: ctx.db, namespace: ctx.namespace, env: SERVICE_ENV });

    // The reports that waited in the queue are applied: the first exercise completes with its result.
    await expectEventually(async () => expect(await ctx.rpc.call<ExerciseView>(ExercisesRpc.Get, { id: first.id })).toMatchObject({ status: 'ended', ended_reason: 'completed' }));
    const results = await ctx.rpc.call<ExerciseResultsView>(ExercisesRpc.Results, { id: first.id });
    expect(results.results[0]).toMatchObject({ sent_bps: 20485647700.628223, retransmits: 9 });

    // The wave that began while the service was down goes out now, once.
    const serverB = task(second, 'iperf3_server', 1);
    const clientB = task(second, 'iperf3_client', 1);
    await z.next(isRun('iperf3_server', serverB.id));
    await z.report(TaskReport.Started, report(serverB));
    await x.next(isRun('iperf3_client', clientB.id));
    await x.report(TaskReport.Started, report(clientB));
    await x.report(TaskReport.Finished, report(clientB, { success: true, output: tcpOutput }));
    await z.report(TaskReport.Finished, report(serverB, { success: true }));
    await expectEventually(async () => expect(await ctx.rpc.call<ExerciseView>(ExercisesRpc.Get, { id: second.id })).toMatchObject({ status: 'ended', ended_reason: 'completed' }));
    const secondResults = await ctx.rpc.call<ExerciseResultsView>(ExercisesRpc.Results, { id: second.id });
    expect(secondResults.results.map((r) => [r.protocol, r.sent_bps])).toEqual([
      ['udp', 10222307.544634288],
      ['tcp', 20485647700.628223],
    ]);

    for (const a of [s1, c1, x, y, z]) await a.next((c) => c.command === 'kill_all');
    // Every task went out exactly once, before or after the restart.
    const runs = [s1, c1, x, y, z].flatMap((a) => a.commands((c) => c.command === 'run')) as Extract<AgentCommand, { command: 'run' }>[];
    const perTask = new Map<string, number>();
    for (const r of runs) perTask.set(r.task.task_id, (perTask.get(r.task.task_id) ?? 0) + 1);
    expect(perTask.size).toBe(6);
    expect([...perTask.values()].every((n) => n === 1)).toBe(true);
    const stored = await ctx.db.query<{ count: string }>(`SELECT count(*) FROM exercises.task_results WHERE exercise_id = ANY($1)`, [[first.id, second.id]]);
    expect(stored).toEqual([{ count: '3' }]);
  });

  it('shares the work between two replicas without sending or ending anything twice', async () => {
    const replica = await startService(EXERCISES_SERVICE, { db: ctx.db, namespace: ctx.namespace, env: SERVICE_ENV });
    try {
      const pairs = await Promise.all([0, 1, 2, 3, 4].map(async () => [await agent(), await agent()] as const));
      const exercises = await Promise.all(pairs.map(([s, c]) => startedExercise([{ client: c, server: s, duration: 2, protocol: 'tcp' }])));
      await Promise.all(
        exercises.map(async (detail, i) => {
          const [s, c] = pairs[i];
          const [serverTask, clientTask] = [task(detail, 'iperf3_server'), task(detail, 'iperf3_client')];
          await s.next(isRun('iperf3_server'));
          await s.report(TaskReport.Started, report(serverTask));
          await c.next(isRun('iperf3_client'));
          await c.report(TaskReport.Started, report(clientTask));
          await c.report(TaskReport.Finished, report(clientTask, { success: true, output: tcpOutput }));
          await s.report(TaskReport.Finished, report(serverTask, { success: true }));
        }),
      );
      for (const detail of exercises) {
        await expectEventually(async () => expect(await ctx.rpc.call<ExerciseView>(ExercisesRpc.Get, { id: detail.id })).toMatchObject({ status: 'ended' }));
      }
      for (const [s, c] of pairs) {
        await s.next((cmd) => cmd.command === 'kill_all');
        await c.next((cmd) => cmd.command === 'kill_all');
      }
      // Give a second sender the time to show itself.
      await new Promise((r) => setTimeout(r, 500));
      for (const [s, c] of pairs) {
        expect(s.commands().map((cmd) => cmd.command)).toEqual(['run', 'kill_all']);
        expect(c.commands().map((cmd) => cmd.command)).toEqual(['run', 'kill_all']);
      }
      const ended = await ctx.db.query<{ count: string }>(
        `SELECT count(*) FROM exercises.outbox WHERE routing_key = 'exercises.exercise.ended' AND payload->>'exercise_id' = ANY($1)`,
        [exercises.map((e) => e.id)],
      );
      expect(ended).toEqual([{ count: '5' }]);
    } finally {
      await replica.stop();
    }
  });
});
