import { TaskReport } from '@proctor/contracts';
import { BrokerNames } from '@proctor/messaging';
import { appMain, expectEventually, TEST_AMQP_URL, testNamespace } from '@proctor/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { EXIT_AGENT_DELETED, EXIT_UNSUPPORTED_VERSION } from './gateway/agent-exit';
import { reportId } from './reporting/report-id';
import { AgentBroker } from './testing/agent-broker';
import { FakeGateway } from './testing/fake-gateway';
import { serverTask } from './testing/task-factory';
import { freePort, isListening } from './testing/tcp-listeners';

const KEY = 'process-test-key-never-logged';

interface RunningAgentd {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

/** The compiled daemon as an operator runs it: its main, its environment, signals. */
function runAgentd(env: Record<string, string>): RunningAgentd {
  const child = spawn(process.execPath, [appMain('agentd')], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PORT: '0', LOG_LEVEL: 'log', AGENTD_KEY: KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l.trim()));
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

describe('agentd as a process', () => {
  const namespace = testNamespace();
  const names = new BrokerNames(namespace);
  const agentId = randomUUID();
  let gateway: FakeGateway;
  let broker: AgentBroker;
  let agentd: RunningAgentd | undefined;

  beforeAll(async () => {
    if (!existsSync(appMain('agentd'))) throw new Error(`${appMain('agentd')} is missing: run node tools/build/build.js first`);
    broker = new AgentBroker(names, agentId);
    await broker.start();
  });

  beforeEach(async () => {
    gateway = new FakeGateway('lab-agent-9', KEY, agentId, broker.queue);
    await gateway.start();
  });

  afterEach(async () => {
    if (agentd && agentd.child.exitCode === null && agentd.child.signalCode === null) {
      agentd.child.kill('SIGKILL');
      await agentd.exited;
    }
    agentd = undefined;
    await gateway.stop();
    // Every body it sent passed the contract's validation, as the gateway applies it.
    expect(gateway.calls.filter((c) => c.status === 400)).toEqual([]);
  });

  afterAll(async () => {
    await broker.stop();
  });

  const env = (change: Record<string, string> = {}) => ({
    AGENTD_GATEWAY_URL: gateway.url,
    AGENTD_AMQP_URL: TEST_AMQP_URL,
    AGENTD_NAME: 'lab-agent-9',
    PROCTOR_NAMESPACE: namespace,
    AGENTD_DRAIN_TIMEOUT_SECONDS: '1',
    ...change,
  });

  it('on SIGTERM drains its running task, reports it failed, says goodbye and exits 0', async () => {
    agentd = runAgentd(env());
    await expectEventually(() => expect(agentd?.lines.join('\n')).toContain('consuming the agent queue'), { timeoutMs: 20_000 });
    const port = await freePort();
    const server = serverTask(port);
    await broker.send({ command: 'run', task: server });
    await expectEventually(() => expect(broker.reportsOf(server.task_id).map((r) => r.kind)).toEqual([TaskReport.Accepted, TaskReport.Started]), {
      timeoutMs: 15_000,
    });

    agentd.child.kill('SIGTERM');
    expect(await agentd.exited).toBe(0);
    expect(broker.reportsOf(server.task_id).map((r) => r.kind)).toEqual([TaskReport.Accepted, TaskReport.Started, TaskReport.Finished]);
    expect(broker.reportsOf(server.task_id)[2].body).toMatchObject({ success: false, error: 'agent draining' });
    expect(isListening(port)).toBe(false);
    const beats = gateway.callsTo('/v1/agent/heartbeat');
    expect(beats[beats.length - 1].body).toEqual({ status: 'disconnecting' });
    expect(agentd.lines.join('\n')).toContain('daemon stopped');
    expect(agentd.lines.join('\n')).not.toContain(KEY);
  });

  it('with the broker out of reach from the start, claims over HTTP and reports over HTTP', async () => {
    const port = await freePort();
    const server = serverTask(port);
    gateway.claimable.push(server);
    agentd = runAgentd(env({ AGENTD_AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' }));

    await expectEventually(() => expect(gateway.callsTo(`/v1/agent/tasks/${server.task_id}/started`)).toHaveLength(1), { timeoutMs: 20_000 });
    expect(isListening(port)).toBe(true);
    const [claim] = gateway.callsTo('/v1/agent/tasks/claim');
    expect(claim).toMatchObject({ agentName: 'lab-agent-9', agentKey: KEY, apiVersion: '1', idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    agentd.child.kill('SIGTERM');
    expect(await agentd.exited).toBe(0);
    const [result] = gateway.callsTo(`/v1/agent/tasks/${server.task_id}/result`);
    expect(result).toMatchObject({
      body: { attempt: 1, success: false, error: 'agent draining' },
      idempotencyKey: reportId(agentId, server.task_id, 1, TaskReport.Finished),
    });
  });

  it('exits non-zero, its iperf3 killed, when the gateway answers 404: the agent was deleted', async () => {
    agentd = runAgentd(env());
    await expectEventually(() => expect(agentd?.lines.join('\n')).toContain('consuming the agent queue'), { timeoutMs: 20_000 });
    const port = await freePort();
    const server = serverTask(port);
    await broker.send({ command: 'run', task: server });
    await expectEventually(() => expect(isListening(port)).toBe(true), { timeoutMs: 15_000 });

    gateway.force('/v1/agent/', 404, { error: 'agent_not_found', message: 'no such agent', details: {} });
    expect(await agentd.exited).toBe(EXIT_AGENT_DELETED);
    expect(agentd.lines.join('\n')).toMatch(/was deleted/);
    expect(isListening(port)).toBe(false);
  });

  it('exits non-zero naming the versions the gateway speaks when it answers 426', async () => {
    gateway.force('/v1/agent/', 426, { error: 'unsupported_api_version', message: 'this server speaks X-API-Version 2', details: { supported: ['2'] } });
    agentd = runAgentd(env());
    expect(await agentd.exited).toBe(EXIT_UNSUPPORTED_VERSION);
    expect(agentd.lines.join('\n')).toContain('it supports: 2');
  });
});
