import { Logger } from '@nestjs/common';
import { TaskReport } from '@proctor/contracts';
import { BrokerNames, DaemonConfig, RunningDaemon, startDaemon } from '@proctor/messaging';
import { JsonLogger } from '@proctor/observability';
import { expectEventually, TcpProxy, TEST_AMQP_URL, testNamespace } from '@proctor/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentWork } from './agent-daemon';
import { AGENTD } from './agentd.daemon-definition';
import { reportId } from './reporting/report-id';
import { AgentBroker } from './testing/agent-broker';
import { FakeGateway } from './testing/fake-gateway';
import { clientTask, serverTask } from './testing/task-factory';
import { freePort, isListening } from './testing/tcp-listeners';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY = 'agentd-test-key-never-logged';

/**
 * agentd in-process against a fake gateway and the real broker (through a proxy the test can cut),
 * running real iperf3. The tests share one daemon and run in order: the last one drains it.
 */
describe('agentd', () => {
  const namespace = testNamespace();
  const names = new BrokerNames(namespace);
  const storage = mkdtempSync(join(tmpdir(), 'agentd-storage-'));
  const proxy = new TcpProxy(new URL(TEST_AMQP_URL).hostname, Number(new URL(TEST_AMQP_URL).port || 5672));
  const lines: string[] = [];
  let gateway: FakeGateway;
  let broker: AgentBroker;
  let daemon: RunningDaemon | undefined;

  const reportKinds = (taskId: string) => broker.reportsOf(taskId).map((r) => r.kind);
  const finishedOf = (taskId: string) => broker.reportsOf(taskId).find((r) => r.kind === TaskReport.Finished)?.body;
  const waitForReports = (taskId: string, kinds: TaskReport[], timeoutMs = 15_000) =>
    expectEventually(() => expect(reportKinds(taskId)).toEqual(kinds), { timeoutMs });

  beforeAll(async () => {
    await proxy.start();
    const agentId = randomUUID();
    broker = new AgentBroker(names, agentId);
    gateway = new FakeGateway('lab-agent-7', KEY, agentId, broker.queue);
    await Promise.all([gateway.start(), broker.start()]);

    const config: DaemonConfig = {
      gatewayUrl: gateway.url,
      amqpUrl: proxy.url(TEST_AMQP_URL),
      name: 'lab-agent-7',
      key: KEY,
      labels: { site: 'lab-a' },
      namespace,
      port: 0,
      logLevel: 'log',
      drainTimeoutSeconds: 2,
      lists: { storage_paths: [storage, join(storage, 'missing')] },
      settings: {},
    };
    const definition = { ...AGENTD, work: agentWork({ timings: { brokerGraceMs: 1500, killGraceMs: 1000, reportFlushMs: 3000 } }) };
    const logger = new JsonLogger('agentd', 'log', (line) => lines.push(line));
    // The shared messaging code logs through Nest's Logger, as under runDaemon.
    Logger.overrideLogger(logger);
    daemon = await startDaemon(definition, config, logger);
    await expectEventually(() => expect(lines.join('\n')).toContain('consuming the agent queue'), { timeoutMs: 15_000 });
  });

  afterAll(async () => {
    await daemon?.stop();
    await Promise.all([gateway.stop(), broker.stop(), proxy.stop()]);
    rmSync(storage, { recursive: true, force: true });
  });

  it('registers over HTTP with the capabilities it found itself, and heartbeats with a key per beat', async () => {
    const [register] = gateway.callsTo('/v1/agent/register');
    expect(register).toMatchObject({ agentName: 'lab-agent-7', agentKey: KEY, apiVersion: '1', idempotencyKey: expect.stringMatching(UUID) });
    const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
    expect(register.body).toMatchObject({
      labels: { site: 'lab-a' },
      version: expect.any(String),
      held_tasks: [],
      capabilities: {
        iperf3: { version: expect.stringMatching(/^3\.\d+/), verified_at: iso },
        interfaces: { items: expect.arrayContaining([{ name: expect.any(String), addresses: expect.any(Array) }]), verified_at: iso },
        storage_paths: { paths: [storage], verified_at: iso },
        docker: { available: expect.any(Boolean), verified_at: iso },
      },
    });

    await expectEventually(() => expect(gateway.callsTo('/v1/agent/heartbeat').length).toBeGreaterThanOrEqual(2), { timeoutMs: 5000 });
    const beats = gateway.callsTo('/v1/agent/heartbeat');
    expect(beats[0].body).toEqual({ status: 'online' });
    expect(new Set(beats.map((b) => b.idempotencyKey)).size).toBe(beats.length);
    expect(lines.join('\n')).not.toContain(KEY);
  });

  it('runs a TCP test: the server is reported started only once it listens, the client finishes with iperf3 JSON', async () => {
    const port = await freePort();
    const server = serverTask(port);
    await broker.send({ command: 'run', task: server });
    await waitForReports(server.task_id, [TaskReport.Accepted, TaskReport.Started]);
    expect(isListening(port)).toBe(true);
    // Acked at acceptance: nothing is left on the queue while the task runs.
    expect(await broker.readyCommands()).toBe(0);

    const [accepted, started] = broker.reportsOf(server.task_id);
    expect(accepted).toMatchObject({
      body: { task_id: server.task_id, agent_id: gateway.agentId, attempt: 1 },
      agentIdHeader: gateway.agentId,
      persistent: true,
      messageId: reportId(gateway.agentId, server.task_id, 1, TaskReport.Accepted),
    });
    expect(started.messageId).toBe(reportId(gateway.agentId, server.task_id, 1, TaskReport.Started));

    const client = clientTask(port, { exercise_id: server.exercise_id, parallel: 2 });
    await broker.send({ command: 'run', task: client });
    await waitForReports(client.task_id, [TaskReport.Accepted, TaskReport.Started, TaskReport.Finished]);
    const result = finishedOf(client.task_id);
    expect(result).toMatchObject({ task_id: client.task_id, agent_id: gateway.agentId, attempt: 1, success: true });
    const output = result?.output as { end: { sum_received: { bits_per_second: number }; sum_sent: object } };
    expect(output.end.sum_received.bits_per_second).toBeGreaterThan(0);

    await waitForReports(server.task_id, [TaskReport.Accepted, TaskReport.Started, TaskReport.Finished]);
    expect(finishedOf(server.task_id)).toMatchObject({ success: true });
  });

  it('runs a UDP test with bandwidth: jitter and loss come back in the JSON', async () => {
    const port = await freePort();
    const server = serverTask(port);
    await broker.send({ command: 'run', task: server });
    await waitForReports(server.task_id, [TaskReport.Accepted, TaskReport.Started]);

    const client = clientTask(port, { protocol: 'udp', bandwidth: '10M' });
    await broker.send({ command: 'run', task: client });
    await waitForReports(client.task_id, [TaskReport.Accepted, TaskReport.Started, TaskReport.Finished]);
    const output = finishedOf(client.task_id)?.output as { start: { test_start: { protocol: string } }; end: { sum: Record<string, number> } };
    expect(output.start.test_start.protocol).toBe('UDP');
    expect(output.end.sum).toEqual(expect.objectContaining({ jitter_ms: expect.any(Number), lost_percent: expect.any(Number) }));
  });

  it('reports a client that cannot reach its server as failed, with iperf3\'s error', async () => {
    const client = clientTask(await freePort());
    await broker.send({ command: 'run', task: client });
    await waitForReports(client.task_id, [TaskReport.Accepted, TaskReport.Started, TaskReport.Finished]);
    expect(finishedOf(client.task_id)).toMatchObject({ success: false, error: expect.stringContaining('unable to connect') });
  });

  it('cancel kills the task\'s iperf3 and reports it canceled', async () => {
    const port = await freePort();
    const server = serverTask(port);
    await broker.send({ command: 'run', task: server });
    await waitForReports(server.task_id, [TaskReport.Accepted, TaskReport.Started]);

    await broker.send({ command: 'cancel', task_id: server.task_id, attempt: 1 });
    await waitForReports(server.task_id, [TaskReport.Accepted, TaskReport.Started, TaskReport.Finished]);
    expect(finishedOf(server.task_id)).toMatchObject({ success: false, error: 'canceled' });
    expect(isListening(port)).toBe(false);
  });

  it('kill_all kills every iperf3 of that exercise and no other', async () => {
    const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
    const first = serverTask(p1);
    const second = serverTask(p2, { exercise_id: first.exercise_id });
    const other = serverTask(p3);
    for (const task of [first, second, other]) await broker.send({ command: 'run', task });
    for (const task of [first, second, other]) await waitForReports(task.task_id, [TaskReport.Accepted, TaskReport.Started]);

    await broker.send({ command: 'kill_all', exercise_id: first.exercise_id });
    for (const task of [first, second]) {
      await waitForReports(task.task_id, [TaskReport.Accepted, TaskReport.Started, TaskReport.Finished]);
      expect(finishedOf(task.task_id)).toMatchObject({ success: false, error: expect.stringContaining('kill_all') });
    }
    expect([isListening(p1), isListening(p2), isListening(p3)]).toEqual([false, false, true]);

    await broker.send({ command: 'cancel', task_id: other.task_id, attempt: 1 });
    await waitForReports(other.task_id, [TaskReport.Accepted, TaskReport.Started, TaskReport.Finished]);
  });

  it('kills a task at its deadline', async () => {
    const port = await freePort();
    const server = serverTask(port, { deadline: new Date(Date.now() + 1500).toISOString() });
    await broker.send({ command: 'run', task: server });
    await waitForReports(server.task_id, [TaskReport.Accepted, TaskReport.Started, TaskReport.Finished]);
    expect(finishedOf(server.task_id)).toMatchObject({ success: false, error: expect.stringContaining('deadline exceeded') });
    expect(isListening(port)).toBe(false);
  });

  it('runs a repeated run command once, and dead-letters a malformed one', async () => {
    const port = await freePort();
    const server = serverTask(port, { deadline: new Date(Date.now() + 3000).toISOString() });
    await broker.send({ command: 'run', task: server });
    await broker.send({ command: 'run', task: server });
    await waitForReports(server.task_id, [TaskReport.Accepted, TaskReport.Started, TaskReport.Finished]);
    await broker.send({ command: 'run', task: server });
    await expectEventually(() => expect(lines.filter((l) => l.includes('run: task already held or done'))).toHaveLength(2), { timeoutMs: 5000 });
    expect(reportKinds(server.task_id)).toEqual([TaskReport.Accepted, TaskReport.Started, TaskReport.Finished]);

    await broker.sendRaw('{"command":"reboot"}');
    await expectEventually(async () => expect(await broker.deadLetters()).toBe(1), { timeoutMs: 5000 });
    expect(lines.join('\n')).toContain('malformed command dead-lettered');
  });

  it('without the broker claims tasks over HTTP and reports over HTTP, with idempotency keys; back on AMQP when it returns', async () => {
    const port = await freePort();
    const server = serverTask(port);
    await broker.send({ command: 'run', task: server });
    await waitForReports(server.task_id, [TaskReport.Accepted, TaskReport.Started]);

    proxy.cut();
    // The delivery was acked at acceptance: a connection gone does not put it back on the queue.
    await new Promise((r) => setTimeout(r, 500));
    expect(await broker.readyCommands()).toBe(0);

    const client = clientTask(port, { exercise_id: server.exercise_id });
    gateway.claimable.push(client);
    // The first result call fails: its retry must carry the same key.
    gateway.force(`/v1/agent/tasks/${client.task_id}/result`, 503, { error: 'service_unavailable', message: 'try again', details: {} }, 1);
    await expectEventually(() => expect(gateway.callsTo('/v1/agent/tasks/claim').length).toBeGreaterThan(0), { timeoutMs: 10_000 });
    await expectEventually(() => expect(gateway.callsTo(`/v1/agent/tasks/${client.task_id}/result`).filter((c) => c.status === 200)).toHaveLength(1), {
      timeoutMs: 20_000,
    });

    const claims = gateway.callsTo('/v1/agent/tasks/claim');
    expect(claims.every((c) => UUID.test(c.idempotencyKey ?? '') && c.apiVersion === '1')).toBe(true);
    expect(new Set(claims.map((c) => c.idempotencyKey)).size).toBe(claims.length);

    const [started] = gateway.callsTo(`/v1/agent/tasks/${client.task_id}/started`);
    expect(started).toMatchObject({ body: { attempt: 1 }, idempotencyKey: reportId(gateway.agentId, client.task_id, 1, TaskReport.Started) });
    const results = gateway.callsTo(`/v1/agent/tasks/${client.task_id}/result`);
    expect(results.map((r) => r.status)).toEqual([503, 200]);
    expect(new Set(results.map((r) => r.idempotencyKey))).toEqual(new Set([reportId(gateway.agentId, client.task_id, 1, TaskReport.Finished)]));
    expect(results[1].body).toMatchObject({ attempt: 1, success: true, output: { end: { sum_received: expect.any(Object) } } });
    // The server's end, while the broker is away, goes over HTTP too.
    await expectEventually(() => expect(gateway.callsTo(`/v1/agent/tasks/${server.task_id}/result`)).toHaveLength(1), { timeoutMs: 10_000 });
    expect(broker.reportsOf(client.task_id)).toEqual([]);

    proxy.restore();
    await expectEventually(() => expect(lines.join('\n')).toContain('HTTP claims stopped'), { timeoutMs: 30_000 });
    const claimsThen = gateway.callsTo('/v1/agent/tasks/claim').length;
    const again = serverTask(await freePort(), { deadline: new Date(Date.now() + 2000).toISOString() });
    await broker.send({ command: 'run', task: again });
    await waitForReports(again.task_id, [TaskReport.Accepted, TaskReport.Started, TaskReport.Finished]);
    expect(gateway.callsTo('/v1/agent/tasks/claim').length).toBe(claimsThen);
  });

  it('after a silence the server counts as offline, registers again with the tasks it holds and kills those dropped', async () => {
    const [kept, dropped] = [serverTask(await freePort()), serverTask(await freePort())];
    for (const task of [kept, dropped]) await broker.send({ command: 'run', task });
    for (const task of [kept, dropped]) await waitForReports(task.task_id, [TaskReport.Accepted, TaskReport.Started]);
    const registrations = gateway.callsTo('/v1/agent/register').length;
    gateway.reconcile = (held) => ({ keep: held.filter((t) => t.task_id === kept.task_id), drop: held.filter((t) => t.task_id !== kept.task_id) });

    gateway.force('/v1/agent/heartbeat', 503, { error: 'service_unavailable', message: 'down', details: {} });
    await new Promise((r) => setTimeout(r, (gateway.offlineAfterSeconds + 1) * 1000));
    gateway.unforce('/v1/agent/heartbeat');

    await expectEventually(() => expect(gateway.callsTo('/v1/agent/register')).toHaveLength(registrations + 1), { timeoutMs: 10_000 });
    const again = gateway.callsTo('/v1/agent/register')[registrations];
    expect(again.body.held_tasks).toEqual(
      expect.arrayContaining([
        { task_id: kept.task_id, attempt: 1 },
        { task_id: dropped.task_id, attempt: 1 },
      ]),
    );
    expect(again.idempotencyKey).not.toBe(gateway.callsTo('/v1/agent/register')[0].idempotencyKey);
    await expectEventually(() => expect(isListening(dropped.port ?? 0)).toBe(false), { timeoutMs: 5000 });
    expect(isListening(kept.port ?? 0)).toBe(true);
    // The server has already given up on a dropped task: no report for it.
    await new Promise((r) => setTimeout(r, 300));
    expect(reportKinds(dropped.task_id)).toEqual([TaskReport.Accepted, TaskReport.Started]);

    await broker.send({ command: 'cancel', task_id: kept.task_id, attempt: 1 });
    await waitForReports(kept.task_id, [TaskReport.Accepted, TaskReport.Started, TaskReport.Finished]);
  });

  it('drains on stop: running tasks get until the drain timeout, then are reported failed; it says goodbye', async () => {
    const port = await freePort();
    const server = serverTask(port);
    await broker.send({ command: 'run', task: server });
    await waitForReports(server.task_id, [TaskReport.Accepted, TaskReport.Started]);

    const stopping = Date.now();
    await daemon?.stop();
    daemon = undefined;
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(2000);
    expect(finishedOf(server.task_id)).toMatchObject({ success: false, error: 'agent draining' });
    expect(isListening(port)).toBe(false);
    const beats = gateway.callsTo('/v1/agent/heartbeat');
    expect(beats[beats.length - 1].body).toEqual({ status: 'disconnecting' });
    expect(lines.join('\n')).not.toContain(KEY);
    // Every body it sent passed the contract's validation, as the gateway applies it.
    expect(gateway.calls.filter((c) => c.status === 400)).toEqual([]);
  });
});
