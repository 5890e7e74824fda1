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
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ZipFile } from 'yazl';

const SERVICES = ['agents', 'jobs'];
const RUNNER_IMAGE = 'proctor-runner:latest';
const SIGNING_SECRET = 'e2e-jobs-signing-secret-0123456789';

interface JobView {
  job_id: string;
  status: string;
  success: boolean | null;
  start_time: string | null;
  end_time: string | null;
  exit_code: number | null;
  reason: string | null;
  attempt: number;
  agent_id: string | null;
  stopped: { container: string; signal: string } | null;
  limits: { cpus: number; memory_mb: number; pids: number };
}

interface SseEvent {
  id?: string;
  data: { type: string; data?: string; success?: boolean; job_id?: string; status?: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A project zip of the given files (text), as `zip -r project.zip .` would make it; `links` are symlinks (name → target). */
function projectZip(files: Record<string, string>, links: Record<string, string> = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new ZipFile();
    for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content), name, { mode: 0o100755 });
    for (const [name, target] of Object.entries(links)) zip.addBuffer(Buffer.from(target), name, { mode: 0o120777 });
    zip.end();
    const parts: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => parts.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    zip.outputStream.on('error', reject);
  });
}

/** Reads an SSE response until it ends (or `stopWhen` says so), calling `onEvent` as events arrive. */
async function readSse(res: Response, onEvent: (event: SseEvent) => void = () => undefined, stopWhen: (event: SseEvent) => boolean = () => false): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffered += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      let id: string | undefined;
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (!data) continue; // a keep-alive comment
      const event: SseEvent = { id, data: JSON.parse(data) as SseEvent['data'] };
      events.push(event);
      onEvent(event);
      if (stopWhen(event)) {
        await reader.cancel();
        return events;
      }
    }
  }
}

const logText = (events: SseEvent[]) =>
  events
    .filter((e) => e.data.type === 'log')
    .map((e) => e.data.data)
    .join('');

/**
 * Issue 4's proof: the compiled gateway, agents and jobs services as processes, one agentd with
 * the docker capability running jobs in real containers of the locally built runner image,
 * project zips submitted over multipart as a CI client does, logs read over SSE.
 */
describe('CI jobs end to end: gateway, agents, jobs and agentd running containers', () => {
  const namespace = testNamespace();
  const prefix = `e2e-${namespace.replace(/[^a-z0-9]/gi, '').slice(-8)}-`;
  let db: TestDatabase;
  let stack: ProcessStack;
  let token: string;
  let apiKey: string;
  let agent: { id: string; key: string };
  let workDir: string;
  let daemon: ChildProcess | undefined;
  const daemonLogs: string[] = [];

  const gateway = (p: string) => `${stack.url('gateway')}${p}`;

  const call = async <T = Record<string, unknown>>(method: string, p: string, body?: object) => {
    const res = await fetch(gateway(p), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  const form = (zip: Buffer, fields: Record<string, string> = {}) => {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) data.append(k, v);
    data.append('file', new Blob([zip], { type: 'application/zip' }), 'project.zip');
    return data;
  };

  const submitAsync = async (files: Record<string, string>, fields: Record<string, string> = {}): Promise<string> => {
    const res = await fetch(gateway('/submit-async'), { method: 'POST', headers: { 'x-api-key': apiKey }, body: form(await projectZip(files), fields) });
    const body = (await res.json()) as { job_id: string };
    expect(res.status).toBe(200);
    expect(Object.keys(body)).toEqual(['job_id']);
    return body.job_id;
  };

  const stream = (jobId: string, fromBeginning: boolean, headers: Record<string, string> = {}) =>
    fetch(gateway(`/jobs/${jobId}/stream?from_beginning=${fromBeginning}`), { headers: { 'x-api-key': apiKey, ...headers } });

  const job = async (jobId: string) => (await call<JobView>('GET', `/jobs/${jobId}`)).body;

  const waitStatus = async (jobId: string, statuses: string[], timeoutMs = 30000) => {
    let last: JobView | undefined;
    await expectEventually(
      async () => {
        last = await job(jobId);
        expect(statuses).toContain(last.status);
      },
      { timeoutMs, intervalMs: 100 },
    );
    return last!;
  };

  const containersOf = (jobId: string) =>
    spawnSync('docker', ['ps', '-a', '--filter', `label=proctor.job=${jobId}`, '--format', '{{.Names}}'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean);

  const startAgentd = () => {
    daemon = spawn(
      process.execPath,
      [
        appMain('agentd'),
        '--name',
        'ci-runner-1',
        '--gateway-url',
        stack.url('gateway'),
        '--amqp-url',
        TEST_AMQP_URL,
        '--namespace',
        namespace,
        '--port',
        '0',
        '--drain-timeout-seconds',
        '5',
      ],
      {
        env: {
          ...process.env,
          AGENTD_KEY: agent.key,
          AGENTD_JOBS_WORK_DIR: workDir,
          AGENTD_JOBS_CONTAINER_PREFIX: prefix,
          AGENTD_JOBS_MAX_CONCURRENT: '3',
          AGENTD_JOBS_STOP_GRACE_SECONDS: '2',
          LOG_LEVEL: 'log',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    for (const s of [daemon.stdout, daemon.stderr]) s?.on('data', (c: Buffer) => daemonLogs.push(...c.toString('utf8').split('\n').filter(Boolean)));
  };

  const stopAgentd = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const child = daemon;
    daemon = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.on('exit', () => resolve());
      child.kill(signal);
    });
  };

  beforeAll(async () => {
    const image = spawnSync('docker', ['image', 'inspect', RUNNER_IMAGE], { encoding: 'utf8' });
    if (image.status !== 0) throw new Error(`the image ${RUNNER_IMAGE} is missing: run bash tools/docker/build-runner-image.sh (Docker must be running)`);
    workDir = mkdtempSync(path.join(tmpdir(), 'proctor-e2e-jobs-'));
    db = await createTestDatabase([...SERVICES, 'gateway']);
    // A fixed port for jobs: agents fetch workspaces from it and the gateway forwards submissions
    // to it, also after the restart below.
    const jobsPort = await freePort();
    const jobsUrl = `http://127.0.0.1:${jobsPort}`;
    stack = new ProcessStack({
      db,
      namespace,
      env: { JOBS_SIGNING_SECRET: SIGNING_SECRET },
      appEnv: {
        gateway: { JWT_SECRET: 'e2e-secret-0123456789abcdef', ADMIN_PASSWORD: 'e2e-admin-pass', JOBS_URL: jobsUrl },
        agents: { AGENTS_OFFLINE_AFTER_SECONDS: '3', AGENTS_HEARTBEAT_INTERVAL_SECONDS: '1' },
        jobs: { PORT: String(jobsPort), JOBS_PUBLIC_URL: jobsUrl, JOBS_CLAIM_TIMEOUT_SECONDS: '5', JOBS_SWEEP_INTERVAL_MS: '500' },
      },
    });
    await Promise.all(SERVICES.map((s) => stack.start(s)));
    await stack.start('gateway');
    const res = await fetch(gateway('/v1/auth/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'e2e-admin-pass' }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
    const key = await call<{ key: string }>('POST', '/v1/api-keys', { name: 'e2e-ci' });
    expect(key.status).toBe(201);
    apiKey = key.body.key;
    const created = await call<{ id: string; key: string }>('POST', '/v1/agents', { name: 'ci-runner-1' });
    expect(created.status).toBe(201);
    agent = created.body;
    startAgentd();
    await expectEventually(
      async () => {
        const view = await call<{ status: string; capabilities: { docker?: { available: boolean } } }>('GET', `/v1/agents/${agent.id}`);
        expect(view.body.status).toBe('online');
        expect(view.body.capabilities.docker?.available).toBe(true);
      },
      { timeoutMs: 20000, intervalMs: 200 },
    );
  });

  afterAll(async () => {
    await stopAgentd();
    await stack?.stopAll();
    await db?.drop();
    const names = namespaceBrokerNames(namespace, SERVICES);
    await deleteBrokerNames(names.queues, names.exchanges);
    spawnSync('sh', ['-c', `docker ps -aq --filter name=${prefix} | xargs -r docker rm -f`]);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  afterEach(() => {
    const state = expect.getState();
    if (state.assertionCalls !== state.numPassingAsserts) process.stdout.write(`agentd log tail:\n${daemonLogs.slice(-40).join('\n')}\n`);
  });

  it('runs a passing project with POST /submit: logs then complete success, as the seed streams them', async () => {
    const zip = await projectZip({ 'run-tests.sh': 'echo "Installing dependencies..."\necho "Running tests..."\necho "3 passed"\n' });
    const res = await fetch(gateway('/submit'), { method: 'POST', headers: { 'x-api-key': apiKey }, body: form(zip) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSse(res);
    expect(events.at(-1)?.data).toMatchObject({ type: 'complete', success: true });
    expect(logText(events)).toContain('Installing dependencies...\n');
    expect(logText(events)).toContain('Running tests...\n3 passed\n');
    expect(events.some((e) => e.data.type === 'job_id')).toBe(false);
  });

  it('runs a failing project with POST /submit-stream: job_id first, complete success false, the exit code kept', async () => {
    const zip = await projectZip({ 'run-tests.sh': 'echo "1 failed"\nexit 3\n' });
    const res = await fetch(gateway('/submit-stream'), { method: 'POST', headers: { 'x-api-key': apiKey }, body: form(zip) });
    const events = await readSse(res);
    expect(events[0].data).toEqual({ type: 'job_id', job_id: expect.any(String) });
    expect(events.at(-1)?.data).toMatchObject({ type: 'complete', success: false });
    expect(logText(events)).toContain('1 failed');
    const view = await job(events[0].data.job_id!);
    expect(view).toMatchObject({ status: 'failed', success: false, exit_code: 3 });
    expect(view.start_time).not.toBeNull();
    expect(view.end_time).not.toBeNull();
  });

  it('streams the output of a long job live, in order, and replays it complete after the end', async () => {
    const jobId = await submitAsync({ 'run-tests.sh': 'for i in $(seq 1 30); do echo "line $i"; sleep 0.1; done\n' });
    const arrivals: number[] = [];
    const live = await readSse(await stream(jobId, true), (e) => e.data.type === 'log' && arrivals.push(Date.now()));
    expect(live.at(-1)?.data).toMatchObject({ type: 'complete', success: true });
    const expected = Array.from({ length: 30 }, (_, i) => `line ${i + 1}\n`).join('');
    expect(logText(live)).toBe(expected);
    // Live, not at the end: the chunks came over the three seconds the job ran.
    expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThan(1500);
    const ids = live.filter((e) => e.data.type === 'log').map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);

    const replay = await readSse(await stream(jobId, true));
    expect(logText(replay)).toBe(expected);
    expect(replay.at(-1)?.data).toMatchObject({ type: 'complete', success: true });
    const followOnly = await readSse(await stream(jobId, false));
    expect(followOnly.map((e) => e.data.type)).toEqual(['complete']);
  });

  it('lets a stream client reconnect with Last-Event-ID and go on with no gap and no repeat', async () => {
    const jobId = await submitAsync({ 'run-tests.sh': 'for i in $(seq 1 40); do echo "step $i"; sleep 0.05; done\n' });
    const first = await readSse(await stream(jobId, true), undefined, (e) => e.data.type === 'log' && (e.data.data ?? '').includes('step 10'));
    const lastId = first.filter((e) => e.id).at(-1)!.id!;
    await sleep(300); // lines go on while the client is away
    const rest = await readSse(await stream(jobId, true, { 'last-event-id': lastId }));
    expect(rest.at(-1)?.data).toMatchObject({ type: 'complete', success: true });
    const all = logText(first) + logText(rest);
    expect(all).toBe(Array.from({ length: 40 }, (_, i) => `step ${i + 1}\n`).join(''));
  });

  it('leaves a job running when its stream client disconnects', async () => {
    const zip = await projectZip({ 'run-tests.sh': 'echo start\nsleep 1\necho done\n' });
    const res = await fetch(gateway('/submit-stream'), { method: 'POST', headers: { 'x-api-key': apiKey }, body: form(zip) });
    const [first] = await readSse(res, undefined, (e) => e.data.type === 'job_id');
    const done = await waitStatus(first.data.job_id!, ['completed']);
    expect(done.success).toBe(true);
  });

  it('cancels a job mid-run: acknowledged, stopped, container removed, canceled with what was stopped', async () => {
    const jobId = await submitAsync({ 'run-tests.sh': 'echo started\nsleep 60\necho never\n' });
    const events: SseEvent[] = [];
    const following = stream(jobId, true).then((res) => readSse(res, (e) => events.push(e)));
    await expectEventually(() => expect(logText(events)).toContain('started'), { timeoutMs: 20000, intervalMs: 50 });
    const canceled = await call<JobView>('POST', `/v1/jobs/${jobId}/cancel`);
    expect(canceled.status).toBe(202);
    const view = await waitStatus(jobId, ['canceled'], 20000);
    expect(view.success).toBe(false);
    expect(view.stopped).toEqual({ container: expect.stringContaining(prefix), signal: 'SIGTERM' });
    const all = await following;
    expect(all.at(-1)?.data).toMatchObject({ type: 'complete', success: false, status: 'canceled' });
    expect(logText(all)).not.toContain('never');
    await expectEventually(() => expect(containersOf(jobId)).toEqual([]), { timeoutMs: 10000, intervalMs: 100 });
  });

  it('kills a job at its memory limit and says so', async () => {
    const jobId = await submitAsync({ 'run-tests.sh': 'echo allocating\nexec dd if=/dev/zero of=/dev/null bs=256M count=1\n' }, { memory_mb: '32' });
    const view = await waitStatus(jobId, ['failed', 'completed']);
    expect(view.status).toBe('failed');
    expect(view.limits.memory_mb).toBe(32);
    expect(view.reason).toMatch(/memory limit/);
  });

  it('stops a job past its timeout: timed_out', async () => {
    const jobId = await submitAsync({ 'run-tests.sh': 'echo waiting\nsleep 60\n' }, { timeout_seconds: '2' });
    const view = await waitStatus(jobId, ['timed_out', 'failed', 'completed'], 30000);
    expect(view.status).toBe('timed_out');
    expect(view.success).toBe(false);
    // The daemon reports the end first, then removes the container.
    await expectEventually(() => expect(containersOf(jobId)).toEqual([]), { timeoutMs: 10000, intervalMs: 100 });
  });

  it('runs in a locked-down container: no network, read-only root, a non-root user, the workspace writable', async () => {
    const jobId = await submitAsync({
      'run-tests.sh': [
        'id -u',
        'touch /root-file 2>/dev/null && echo "root writable" || echo "root read-only"',
        'touch ./workspace-file && echo "workspace writable"',
        'ls /sys/class/net',
      ].join('\n'),
    });
    const events = await readSse(await stream(jobId, true));
    const text = logText(events);
    expect(text).toContain('65534\n');
    expect(text).toContain('root read-only');
    expect(text).toContain('workspace writable');
    expect(text.split('\n')).not.toContain('eth0');
  });

  it('collects the artifacts the spec names (proctor.yml) and serves them for download', async () => {
    const jobId = await submitAsync({
      'proctor.yml': 'artifacts:\n  - reports/junit.xml\nlabels:\n  suite: unit\n',
      'run-tests.sh': 'mkdir -p reports\necho "<testsuite tests=\\"1\\"/>" > reports/junit.xml\necho ok\n',
    });
    await waitStatus(jobId, ['completed']);
    await expectEventually(async () => {
      const list = await call<{ path: string; size: number }[]>('GET', `/v1/jobs/${jobId}/artifacts`);
      expect(list.body).toEqual([expect.objectContaining({ path: 'reports/junit.xml' })]);
    });
    const res = await fetch(gateway(`/v1/jobs/${jobId}/artifacts/reports/junit.xml`), { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<testsuite tests="1"/>\n');
    const labelled = await call<{ items: JobView[] }>('GET', '/v1/jobs?label=suite=unit');
    expect(labelled.body.items.map((j) => j.job_id)).toEqual([jobId]);
  });

  it('refuses a zip with a link out of its workspace, or no zip at all, with 400 and keeps no job', async () => {
    const before = (await call<{ items: JobView[] }>('GET', '/v1/jobs?limit=200')).body.items.length;
    const attempts = [await projectZip({ 'run-tests.sh': 'cat secrets' }, { secrets: '/etc/shadow' }), Buffer.from('this is not a zip file')];
    for (const zip of attempts) {
      const res = await fetch(gateway('/submit-async'), { method: 'POST', headers: { 'x-api-key': apiKey }, body: form(zip) });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'job_archive_invalid', message: expect.any(String) });
    }
    const after = (await call<{ items: JobView[] }>('GET', '/v1/jobs?limit=200')).body.items.length;
    expect(after).toBe(before);
  });

  it('loses nothing when the jobs service restarts mid-job', async () => {
    const jobId = await submitAsync({ 'run-tests.sh': 'for i in $(seq 1 30); do echo "tick $i"; sleep 0.1; done\n' });
    await waitStatus(jobId, ['running']);
    await stack.stop('jobs');
    await sleep(1000); // lines and the end of the job are published while the service is down
    await stack.start('jobs');
    const view = await waitStatus(jobId, ['completed'], 30000);
    expect(view.success).toBe(true);
    const replay = await readSse(await stream(jobId, true));
    expect(logText(replay)).toBe(Array.from({ length: 30 }, (_, i) => `tick ${i + 1}\n`).join(''));
  });

  it('fails the job of an agent lost mid-run with a clear reason, and reaps its container when it returns', async () => {
    const jobId = await submitAsync({ 'run-tests.sh': 'echo working\nsleep 60\n' });
    await waitStatus(jobId, ['running']);
    await expectEventually(() => expect(containersOf(jobId)).toHaveLength(1), { timeoutMs: 20000, intervalMs: 100 });
    await stopAgentd('SIGKILL');
    const view = await waitStatus(jobId, ['failed'], 30000);
    expect(view.reason).toMatch(/lost/);
    expect(containersOf(jobId)).toHaveLength(1); // left behind by the crash
    startAgentd();
    await expectEventually(() => expect(containersOf(jobId)).toEqual([]), { timeoutMs: 30000, intervalMs: 200 });
  });
});
