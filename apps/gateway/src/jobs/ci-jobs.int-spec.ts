import { INestApplication } from '@nestjs/common';
import { EnvReader } from '@proctor/config';
import { AgentsEvent, AgentsRpc, JobClaimView, JobCommand, JobReport, JobView, Page } from '@proctor/contracts';
import { AmqpConnection, BrokerNames, portOf } from '@proctor/messaging';
import { JsonLogger } from '@proctor/observability';
import {
  createTestDatabase,
  deleteBrokerNames,
  expectEventually,
  namespaceBrokerNames,
  ProcessStack,
  SimulatedAgent,
  TEST_AMQP_URL,
  TestDatabase,
  testNamespace,
} from '@proctor/testing';
import * as amqp from 'amqplib';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { ZipFile } from 'yazl';
import { startGateway } from '../gateway-bootstrap';
import { readGatewayConfig } from '../gateway-config';
import { JobLogFeed } from '../job-logs/job-log-feed';
import { JobLogStreams } from '../job-logs/job-log-streams';

const SIGNING_SECRET = 'ci-jobs-test-signing-secret';
const JWT_SECRET = 'ci-jobs-test-jwt-secret-0123456789';
const MAX_ARCHIVE_BYTES = 64 * 1024;
const AGENT = { name: 'lab-ci-1', key: 'pak_ci-agent-key' };

interface SseEvent {
  id?: string;
  data: { type: string; [key: string]: unknown };
}

/** A client of one SSE response, as curl -N or an EventSource reads it. */
class SseClient {
  readonly events: SseEvent[] = [];
  ended = false;
  private readonly abort = new AbortController();
  private readonly finished: Promise<void>;

  private constructor(readonly response: Response) {
    this.finished = this.read();
  }

  /** The open stream, or the refusal (an error envelope) when the answer is not an event stream. */
  static async open(url: string, init: RequestInit = {}): Promise<SseClient | Response> {
    const abort = new AbortController();
    const response = await fetch(url, { ...init, signal: abort.signal });
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) return response;
    const client = new SseClient(response);
    client.abort.signal.addEventListener('abort', () => abort.abort());
    return client;
  }

  logs(): string[] {
    return this.events.filter((e) => e.data.type === 'log').map((e) => `${e.id}:${String(e.data.data)}`);
  }

  async until(predicate: (events: SseEvent[]) => boolean, timeoutMs = 20_000): Promise<void> {
    await expectEventually(() => expect(predicate(this.events) || this.ended).toBe(true), { timeoutMs, intervalMs: 20 });
    if (!predicate(this.events)) throw new Error(`the stream ended first: ${JSON.stringify(this.events)}`);
  }

  /** Waits for the end of the response (after the complete event). */
  async end(timeoutMs = 20_000): Promise<void> {
    await expectEventually(() => expect(this.ended).toBe(true), { timeoutMs, intervalMs: 20 });
  }

  close(): void {
    this.abort.abort();
  }

  private async read(): Promise<void> {
    const reader = (this.response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        let at: number;
        while ((at = buffered.indexOf('\n\n')) >= 0) {
          const frame = buffered.slice(0, at);
          buffered = buffered.slice(at + 2);
          const lines = frame.split('\n');
          const data = lines.find((l) => l.startsWith('data: '));
          if (!data) continue; // a comment (keep-alive)
          const id = lines.find((l) => l.startsWith('id: '))?.slice(4);
          this.events.push({ ...(id ? { id } : {}), data: JSON.parse(data.slice(6)) as SseEvent['data'] });
        }
      }
    } catch {
      // aborted by the test
    } finally {
      this.ended = true;
    }
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function zipOf(files: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content), name, { mtime: new Date('2026-11-23T00:00:00Z') });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function submitForm(zip: Buffer | null, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (zip) form.append('file', new Blob([new Uint8Array(zip)], { type: 'application/zip' }), 'project.zip');
  return form;
}

describe('CI API through the gateway, with the real jobs service and a simulated agent daemon', () => {
  const namespace = testNamespace();
  const names = new BrokerNames(namespace);
  let db: TestDatabase;
  // The real jobs service, compiled and run as a process: what the gateway forwards to and streams from is the real thing.
  let jobs: ProcessStack;
  let app: INestApplication;
  let base: string;
  let broker: amqp.ChannelModel;
  let events: amqp.ConfirmChannel;
  let standIn: amqp.Channel;
  let agent: SimulatedAgent<JobCommand>;
  let adminToken: string;
  let ciKey: string;
  let project: Buffer;

  const ci = (extra: Record<string, string> = {}) => ({ 'x-api-key': ciKey, ...extra });
  const admin = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${adminToken}`, ...extra });
  const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;

  const publishEvent = async (routingKey: string, payload: object) => {
    events.publish(names.eventsExchange, routingKey, Buffer.from(JSON.stringify(payload)), { persistent: true, messageId: randomUUID(), contentType: 'application/json' });
    await events.waitForConfirms();
  };

  /** Announces a docker agent as the agents service would: created, then online. */
  const bringOnline = async (sim: SimulatedAgent<JobCommand>, name: string) => {
    await publishEvent(AgentsEvent.Created, { agent_id: sim.agentId, name, labels: {} });
    const capabilities = { docker: { available: true, verified_at: new Date().toISOString(), max_jobs: 256 } };
    await publishEvent(AgentsEvent.Online, { agent_id: sim.agentId, name, capabilities });
  };

  const submitAsync = async (fields: Record<string, string> = {}, zip: Buffer = project): Promise<string> => {
    const res = await fetch(`${base}/submit-async`, { method: 'POST', headers: ci(), body: submitForm(zip, fields) });
    expect(res.status).toBe(200);
    return (await json<{ job_id: string }>(res)).job_id;
  };

  const agentPost = (path: string, body: object) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'x-agent-name': AGENT.name, 'x-agent-key': AGENT.key, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  /** The daemon's side of a run: the offer arrives on its queue, it claims it through the gateway. */
  const claim = async (jobId: string): Promise<JobClaimView> => {
    const offer = await agent.next((c) => c.command === 'run_job' && c.job_id === jobId);
    const res = await agentPost(`/v1/agent/jobs/${jobId}/claim`, { attempt: offer.command.attempt });
    expect(res.status).toBe(200);
    return json<JobClaimView>(res);
  };

  const log = (jobId: string, attempt: number, seq: number, data = `line ${seq}\n`) =>
    agent.log(`job.${jobId}`, { job_id: jobId, attempt, seq, data, at: new Date().toISOString() });

  const logs = async (jobId: string, attempt: number, seqs: number[]) => {
    for (const seq of seqs) await log(jobId, attempt, seq);
  };

  const storedChunks = async (jobId: string) =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM jobs.job_logs WHERE job_id = $1`, [jobId]))[0].n);

  const finish = (jobId: string, attempt: number, lastSeq: number, outcome = 'succeeded', extra: object = {}) =>
    agent.report(JobReport.Finished, { agent_id: agent.agentId, job_id: jobId, attempt, outcome, exit_code: outcome === 'succeeded' ? 0 : 1, last_seq: lastSeq, ...extra });

  const stream = async (path: string, headers: Record<string, string> = {}) => {
    const client = await SseClient.open(`${base}${path}`, { headers: ci(headers) });
    if (!(client instanceof SseClient)) throw new Error(`not a stream: ${client.status} ${await client.text()}`);
    return client;
  };

  const lines = (attempt: number, seqs: number[]) => seqs.map((s) => `${attempt}-${s}:line ${s}\n`);

  beforeAll(async () => {
    db = await createTestDatabase(['gateway', 'jobs']);
    const jobsPort = await freePort();
    jobs = new ProcessStack({
      db,
      namespace,
      appEnv: { jobs: { PORT: String(jobsPort), JOBS_PUBLIC_URL: `http://127.0.0.1:${jobsPort}`, JOBS_SIGNING_SECRET: SIGNING_SECRET, JOBS_SWEEP_INTERVAL_MS: '200' } },
    });
    await jobs.start('jobs');
    const config = readGatewayConfig(
      new EnvReader({
        PORT: '0',
        DATABASE_URL: db.urlFor('gateway'),
        AMQP_URL: TEST_AMQP_URL,
        PROCTOR_NAMESPACE: namespace,
        JWT_SECRET,
        ADMIN_USERNAME: 'root',
        ADMIN_PASSWORD: 'correct horse battery',
        RATE_LIMIT_PER_MINUTE: '100000',
        RPC_TIMEOUT_MS: '3000',
        JOBS_URL: `http://127.0.0.1:${jobsPort}`,
        JOBS_SIGNING_SECRET: SIGNING_SECRET,
        JOBS_MAX_ARCHIVE_BYTES: String(MAX_ARCHIVE_BYTES),
        LOG_LEVEL: 'error',
      }),
    );
    app = await startGateway(config, new JsonLogger('gateway', 'error'));
    base = `http://127.0.0.1:${portOf(app)}`;

    broker = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
    events = await broker.createConfirmChannel();
    // The agents service stands in for one call only: who an agent is, from its name and key.
    standIn = await broker.createChannel();
    const rpcQueue = names.rpcQueue('agents');
    await standIn.assertQueue(rpcQueue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    await standIn.bindQueue(rpcQueue, names.rpcExchange, AgentsRpc.Authenticate);
    agent = await SimulatedAgent.start<JobCommand>(broker, names);
    await standIn.consume(
      rpcQueue,
      (msg) => {
        if (!msg) return;
        const payload = JSON.parse(msg.content.toString('utf8')) as { name: string; key_hash: string };
        const known = payload.name === AGENT.name && payload.key_hash === createHash('sha256').update(AGENT.key).digest('hex');
        const reply = known ? { ok: true, data: { agent_id: agent.agentId, name: AGENT.name } } : { ok: false, error: { code: 'agent_key_invalid', message: 'wrong key' } };
        standIn.sendToQueue(msg.properties.replyTo as string, Buffer.from(JSON.stringify(reply)), { correlationId: msg.properties.correlationId as string });
      },
      { noAck: true },
    );
    await bringOnline(agent, AGENT.name);
    await expectEventually(async () =>
      expect(await db.query(`SELECT online, docker FROM jobs.job_agents WHERE agent_id = $1`, [agent.agentId])).toEqual([{ online: true, docker: true }]),
    );

    const token = await fetch(`${base}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'root', password: 'correct horse battery' }),
    });
    adminToken = (await json<{ access_token: string }>(token)).access_token;
    const created = await fetch(`${base}/v1/api-keys`, { method: 'POST', headers: admin({ 'content-type': 'application/json' }), body: JSON.stringify({ name: 'ci-main' }) });
    ciKey = (await json<{ key: string }>(created)).key;
    project = await zipOf({ 'run-tests.sh': 'echo ok\n', 'src/main.py': 'print(1)\n' });
  });

  afterAll(async () => {
    await agent?.close();
    await broker?.close();
    await app?.close();
    await jobs?.stopAll();
    await db?.drop();
    const standard = namespaceBrokerNames(namespace, ['jobs', 'agents']);
    const extra = [names.serviceQueue('jobs', 'logs'), names.serviceQueue('jobs', 'reports')].flatMap((q) => [q, names.deadQueue(q)]);
    await deleteBrokerNames([...standard.queues, ...extra], standard.exchanges);
  });

  describe('API keys (JWT or API key on the CI routes)', () => {
    it('shows a new key once, keeps only its digest, and lists keys without them', async () => {
      const res = await fetch(`${base}/v1/api-keys`, { method: 'POST', headers: admin({ 'content-type': 'application/json' }), body: JSON.stringify({ name: 'nightly' }) });
      expect(res.status).toBe(201);
      const created = await json<{ id: string; name: string; key: string; created_at: string }>(res);
      expect(created).toMatchObject({ id: expect.any(String), name: 'nightly', key: expect.stringMatching(/^pck_/), created_at: expect.any(String) });
      const [row] = await db.query<{ key_digest: string }>(`SELECT key_digest FROM gateway.api_keys WHERE id = $1`, [created.id]);
      expect(row.key_digest).toBe(createHash('sha256').update(created.key).digest('hex'));
      const list = await json<{ name: string }[]>(await fetch(`${base}/v1/api-keys`, { headers: admin() }));
      expect(list.map((k) => k.name)).toEqual(expect.arrayContaining(['ci-main', 'nightly']));
      expect(JSON.stringify(list)).not.toContain(created.key);
      const again = await fetch(`${base}/v1/api-keys`, { method: 'POST', headers: admin({ 'content-type': 'application/json' }), body: JSON.stringify({ name: 'nightly' }) });
      expect(again.status).toBe(409);
    });

    it('takes an API key or a bearer token on the CI routes, and refuses none, a wrong key, and an API key on admin routes', async () => {
      expect((await fetch(`${base}/jobs`, { headers: ci() })).status).toBe(200);
      expect((await fetch(`${base}/v1/jobs`, { headers: admin() })).status).toBe(200);
      const none = await fetch(`${base}/jobs`);
      expect(none.status).toBe(401);
      expect(await json(none)).toMatchObject({ error: 'unauthorized' });
      expect((await fetch(`${base}/jobs`, { headers: { 'x-api-key': 'pck_not-a-key' } })).status).toBe(401);
      expect((await fetch(`${base}/v1/api-keys`, { headers: ci() })).status).toBe(401);
    });

    it('refuses a revoked key from the next request on', async () => {
      const created = await json<{ id: string; key: string }>(
        await fetch(`${base}/v1/api-keys`, { method: 'POST', headers: admin({ 'content-type': 'application/json' }), body: JSON.stringify({ name: 'short-lived' }) }),
      );
      expect((await fetch(`${base}/jobs`, { headers: { 'x-api-key': created.key } })).status).toBe(200);
      expect((await fetch(`${base}/v1/api-keys/${created.id}`, { method: 'DELETE', headers: admin() })).status).toBe(204);
      const refused = await fetch(`${base}/jobs`, { headers: { 'x-api-key': created.key } });
      expect(refused.status).toBe(401);
      expect(await json(refused)).toMatchObject({ error: 'unauthorized', message: 'unknown or revoked API key' });
      expect((await fetch(`${base}/v1/api-keys/${created.id}`, { method: 'DELETE', headers: admin() })).status).toBe(404);
    });

    it('names the submitter by its principal: the token subject, or api-key:<name>', async () => {
      const byKey = await submitAsync();
      expect(await json(await fetch(`${base}/jobs/${byKey}`, { headers: ci() }))).toMatchObject({ job_id: byKey, submitted_by: 'api-key:ci-main' });
      const res = await fetch(`${base}/v1/jobs/submit-async`, { method: 'POST', headers: admin(), body: submitForm(project) });
      expect(await json(res)).toMatchObject({ submitted_by: 'root' });
    });
  });

  describe('submission', () => {
    it("answers the seed's /submit-async with 200 and exactly {job_id}", async () => {
      const res = await fetch(`${base}/submit-async`, { method: 'POST', headers: ci(), body: submitForm(project) });
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(Object.keys(body)).toEqual(['job_id']);
      const job = await json<JobView>(await fetch(`${base}/jobs/${String(body.job_id)}`, { headers: ci() }));
      expect(job).toMatchObject({ job_id: body.job_id, archive: { size: project.length, sha256: createHash('sha256').update(project).digest('hex') } });
    });

    it('answers /v1/jobs/submit-async with 202 and the job, the form fields applied', async () => {
      const fields = { image: 'busybox:1.36', command: '["sh","-c","./run-tests.sh"]', labels: '{"team":"net"}', timeout_seconds: '120', memory_mb: '256' };
      const res = await fetch(`${base}/v1/jobs/submit-async`, { method: 'POST', headers: ci(), body: submitForm(project, fields) });
      expect(res.status).toBe(202);
      expect(await json(res)).toMatchObject({
        image: 'busybox:1.36',
        command: ['sh', '-c', './run-tests.sh'],
        labels: { team: 'net' },
        timeout_seconds: 120,
        limits: { memory_mb: 256 },
        submitted_by: 'api-key:ci-main',
      });
    });

    it('refuses a form without a file (400 naming file) and passes the jobs service refusals through', async () => {
      const noFile = await fetch(`${base}/submit-async`, { method: 'POST', headers: ci(), body: submitForm(null, { image: 'busybox' }) });
      expect(noFile.status).toBe(400);
      expect(await json(noFile)).toMatchObject({ error: 'validation_failed', details: { fields: { file: [expect.any(String)] } } });
      const notMultipart = await fetch(`${base}/submit-async`, { method: 'POST', headers: ci({ 'content-type': 'application/json' }), body: '{}' });
      expect(await json(notMultipart)).toMatchObject({ error: 'validation_failed', details: { fields: { file: [expect.any(String)] } } });
      const badSpec = await fetch(`${base}/submit-async`, { method: 'POST', headers: ci(), body: submitForm(project, { timeout_seconds: 'soon' }) });
      expect(badSpec.status).toBe(400);
      expect(await json(badSpec)).toMatchObject({ error: 'job_spec_invalid' });
      const notZip = await fetch(`${base}/submit-async`, { method: 'POST', headers: ci(), body: submitForm(Buffer.from('not a zip at all')) });
      expect(notZip.status).toBe(400);
      expect(await json(notZip)).toMatchObject({ error: 'job_archive_invalid' });
    });

    it('refuses a zip over the limit with 413 after reading the upload to its end, and stores no job', async () => {
      const [{ n: before }] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM jobs.jobs`);
      const big = await zipOf({ 'blob.bin': randomBytes(MAX_ARCHIVE_BYTES * 3) });
      const res = await fetch(`${base}/submit-async`, { method: 'POST', headers: ci(), body: submitForm(big, { image: 'busybox' }) });
      expect(res.status).toBe(413);
      expect(await json(res)).toMatchObject({ error: 'job_archive_too_large', details: { max_bytes: MAX_ARCHIVE_BYTES } });
      const [{ n: after }] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM jobs.jobs`);
      expect(after).toBe(before);
    });

    it('takes fields that follow the file, and refuses a form found bad after its zip went on, storing nothing', async () => {
      const [{ n: before }] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM jobs.jobs`);
      const after = (fields: [string, string][]) => {
        const form = submitForm(project);
        for (const [name, value] of fields) form.append(name, value);
        return form;
      };
      const late = await fetch(`${base}/v1/jobs/submit-async`, { method: 'POST', headers: ci(), body: after([['priority', '7']]) });
      expect(late.status).toBe(202);
      expect(await json(late)).toMatchObject({ status: 'queued', priority: 7 });
      const repeated = await fetch(`${base}/submit-async`, { method: 'POST', headers: ci(), body: after([['image', 'a'], ['image', 'b']]) });
      expect(repeated.status).toBe(400);
      expect(await json(repeated)).toMatchObject({ error: 'validation_failed', details: { fields: { image: [expect.any(String)] } } });
      const secondFile = submitForm(project);
      secondFile.append('file', new Blob([new Uint8Array(project)], { type: 'application/zip' }), 'again.zip');
      const twice = await fetch(`${base}/submit-async`, { method: 'POST', headers: ci(), body: secondFile });
      expect(twice.status).toBe(400);
      expect(await json(twice)).toMatchObject({ error: 'validation_failed', details: { fields: { file: [expect.any(String)] } } });
      const [{ n: stored }] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM jobs.jobs`);
      expect(Number(stored)).toBe(Number(before) + 1);
    });

    it('queues nothing of an upload its client abandons halfway, and takes the next one', async () => {
      const [{ n: before }] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM jobs.jobs`);
      const boundary = 'proctor-test-boundary';
      const head = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="project.zip"\r\ncontent-type: application/zip\r\n\r\n`;
      const req = http.request(`${base}/submit-async`, {
        method: 'POST',
        headers: { ...ci(), 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + project.length + 1000) },
      });
      req.on('error', () => undefined);
      req.write(head);
      req.write(project.subarray(0, Math.floor(project.length / 2)));
      await new Promise((r) => setTimeout(r, 200));
      req.destroy();
      await new Promise((r) => setTimeout(r, 300));
      const next = await fetch(`${base}/submit-async`, { method: 'POST', headers: ci(), body: submitForm(project) });
      expect(next.status).toBe(200);
      const [{ n: after }] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM jobs.jobs`);
      expect(Number(after)).toBe(Number(before) + 1);
    });

    it('answers 503 when the jobs service does not answer', async () => {
      const silent = net.createServer(() => undefined);
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
      const config = readGatewayConfig(
        new EnvReader({
          PORT: '0',
          DATABASE_URL: db.urlFor('gateway'),
          AMQP_URL: TEST_AMQP_URL,
          PROCTOR_NAMESPACE: namespace,
          JWT_SECRET,
          ADMIN_USERNAME: 'root',
          ADMIN_PASSWORD: 'correct horse battery',
          JOBS_URL: `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`,
          JOBS_SUBMIT_TIMEOUT_MS: '300',
          LOG_LEVEL: 'error',
        }),
      );
      const other = await startGateway(config, new JsonLogger('gateway', 'error'));
      try {
        const res = await fetch(`http://127.0.0.1:${portOf(other)}/submit-async`, { method: 'POST', headers: ci(), body: submitForm(project) });
        expect(res.status).toBe(503);
        expect(await json(res)).toMatchObject({ error: 'service_unavailable', details: { timeout_ms: 300 } });
      } finally {
        await other.close();
        silent.close();
      }
    });

    it('rate limits each client in its own bucket', async () => {
      const config = readGatewayConfig(
        new EnvReader({
          PORT: '0',
          DATABASE_URL: db.urlFor('gateway'),
          AMQP_URL: TEST_AMQP_URL,
          PROCTOR_NAMESPACE: namespace,
          JWT_SECRET,
          ADMIN_USERNAME: 'root',
          ADMIN_PASSWORD: 'correct horse battery',
          RATE_LIMIT_PER_MINUTE: '5',
          LOG_LEVEL: 'error',
        }),
      );
      const other = await startGateway(config, new JsonLogger('gateway', 'error'));
      try {
        const url = `http://127.0.0.1:${portOf(other)}/jobs`;
        const statuses: number[] = [];
        for (let i = 0; i < 7; i++) statuses.push((await fetch(url, { headers: ci() })).status);
        expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
        expect(statuses.slice(5)).toEqual([429, 429]);
        // Same address, another client: its own bucket.
        expect((await fetch(url, { headers: admin() })).status).toBe(200);
      } finally {
        await other.close();
      }
    });
  });

  describe('log streams', () => {
    it('answers 404 in the envelope, before any event, for an unknown job', async () => {
      const res = await SseClient.open(`${base}/jobs/${randomUUID()}/stream`, { headers: ci() });
      expect(res).toBeInstanceOf(Response);
      expect((res as Response).status).toBe(404);
      expect(await json(res as Response)).toMatchObject({ error: 'job_not_found' });
    });

    it('replays the stored log, then follows live, in order, and completes', async () => {
      const jobId = await submitAsync();
      const { attempt } = await claim(jobId);
      await logs(jobId, attempt, [1, 2, 3]);
      await expectEventually(async () => expect(await storedChunks(jobId)).toBe(3));
      const client = await stream(`/jobs/${jobId}/stream?from_beginning=true`);
      expect(client.response.headers.get('x-request-id')).toEqual(expect.any(String));
      await client.until((e) => e.length >= 3);
      await logs(jobId, attempt, [4, 5, 6]);
      await finish(jobId, attempt, 6);
      await client.end();
      expect(client.logs()).toEqual(lines(attempt, [1, 2, 3, 4, 5, 6]));
      expect(client.events.at(-1)?.data).toEqual({ type: 'complete', success: true, status: 'completed' });
    });

    it('from_beginning=false gets only new chunks; on a finished job, the complete event at once', async () => {
      const jobId = await submitAsync();
      const { attempt } = await claim(jobId);
      await logs(jobId, attempt, [1, 2, 3]);
      await expectEventually(async () => expect(await storedChunks(jobId)).toBe(3));
      const client = await stream(`/v1/jobs/${jobId}/stream?from_beginning=false`);
      await logs(jobId, attempt, [4, 5]);
      await finish(jobId, attempt, 5, 'failed');
      await client.end();
      expect(client.logs()).toEqual(lines(attempt, [4, 5]));
      expect(client.events.at(-1)?.data).toEqual({ type: 'complete', success: false, status: 'failed' });

      const late = await stream(`/jobs/${jobId}/stream`);
      await late.end();
      expect(late.events.map((e) => e.data)).toEqual([{ type: 'complete', success: false, status: 'failed' }]);
      const replay = await stream(`/jobs/${jobId}/stream?from_beginning=true`);
      await replay.end();
      expect(replay.logs()).toEqual(lines(attempt, [1, 2, 3, 4, 5]));
    });

    it('resumes after Last-Event-ID with nothing missed and nothing repeated', async () => {
      const jobId = await submitAsync();
      const { attempt } = await claim(jobId);
      const first = await stream(`/jobs/${jobId}/stream?from_beginning=true`);
      await logs(jobId, attempt, [1, 2, 3]);
      await first.until((e) => e.length >= 3);
      first.close();
      await logs(jobId, attempt, [4, 5, 6]);
      const resumed = await stream(`/jobs/${jobId}/stream`, { 'last-event-id': `${attempt}-3` });
      await logs(jobId, attempt, [7]);
      await finish(jobId, attempt, 7);
      await resumed.end();
      expect([...first.logs(), ...resumed.logs()]).toEqual(lines(attempt, [1, 2, 3, 4, 5, 6, 7]));
      const bad = await SseClient.open(`${base}/jobs/${jobId}/stream`, { headers: ci({ 'last-event-id': 'yesterday' }) });
      expect((bad as Response).status).toBe(400);
    });

    it('fills a gap from the store, waiting for it to be stored, when a chunk comes live before the one it follows', async () => {
      const jobId = await submitAsync();
      const { attempt } = await claim(jobId);
      const client = await stream(`/jobs/${jobId}/stream?from_beginning=true`);
      await logs(jobId, attempt, [1, 3]);
      await client.until((e) => e.length >= 1);
      await new Promise((r) => setTimeout(r, 200));
      expect(client.logs()).toEqual(lines(attempt, [1]));
      await logs(jobId, attempt, [2, 4]);
      await finish(jobId, attempt, 4);
      await client.end();
      expect(client.logs()).toEqual(lines(attempt, [1, 2, 3, 4]));
    });

    it('reads what it missed from the store after the broker connection comes back', async () => {
      const jobId = await submitAsync();
      const { attempt } = await claim(jobId);
      const client = await stream(`/jobs/${jobId}/stream?from_beginning=true`);
      await logs(jobId, attempt, [1]);
      await client.until((e) => e.length >= 1);
      const connection = app.get(AmqpConnection);
      await connection.recycle('test: the broker went away');
      // While the gateway reconnects, its queue is gone: these are only in the store.
      await logs(jobId, attempt, [2, 3]);
      await expectEventually(() => expect(connection.isConnected).toBe(true));
      await client.until((e) => e.length >= 3);
      await logs(jobId, attempt, [4]);
      await finish(jobId, attempt, 4);
      await client.end();
      expect(client.logs()).toEqual(lines(attempt, [1, 2, 3, 4]));
    });

    it('gives each of 50 clients of one job every chunk, once and in order', async () => {
      const jobId = await submitAsync();
      const { attempt } = await claim(jobId);
      const clients = await Promise.all(Array.from({ length: 50 }, () => stream(`/v1/jobs/${jobId}/stream?from_beginning=true`)));
      const seqs = Array.from({ length: 20 }, (_, i) => i + 1);
      await logs(jobId, attempt, seqs);
      await finish(jobId, attempt, 20);
      await Promise.all(clients.map((c) => c.end()));
      for (const client of clients) {
        expect(client.logs()).toEqual(lines(attempt, seqs));
        expect(client.events.at(-1)?.data).toMatchObject({ type: 'complete', success: true });
      }
      await expectEventually(() => expect(app.get(JobLogStreams).openStreams).toBe(0));
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^proctor_gateway_sse_frames_total\{[^}]*\} [1-9]\d*$/m);
      expect(metrics).toMatch(/^proctor_gateway_sse_clients\{[^}]*\} 0$/m);
    });

    it('streams /submit from the first chunk, and /submit-stream with the job id first', async () => {
      const runToEnd = async (client: SseClient, jobId: string) => {
        const { attempt } = await claim(jobId);
        await logs(jobId, attempt, [1, 2]);
        await finish(jobId, attempt, 2);
        await client.end();
        expect(client.logs()).toEqual(lines(attempt, [1, 2]));
        expect(client.events.at(-1)?.data).toEqual({ type: 'complete', success: true, status: 'completed' });
      };
      const submit = await SseClient.open(`${base}/submit`, { method: 'POST', headers: ci(), body: submitForm(project) });
      if (!(submit instanceof SseClient)) throw new Error(`not a stream: ${submit.status}`);
      // The stream opens once the job is queued: it is the newest.
      const [newest] = await json<JobView[]>(await fetch(`${base}/jobs?limit=1`, { headers: ci() }));
      await runToEnd(submit, newest.job_id);
      expect(submit.events.some((e) => e.data.type === 'job_id')).toBe(false);

      const streamed = await SseClient.open(`${base}/v1/jobs/submit-stream`, { method: 'POST', headers: ci(), body: submitForm(project) });
      if (!(streamed instanceof SseClient)) throw new Error(`not a stream: ${streamed.status}`);
      await streamed.until((e) => e.length >= 1);
      expect(streamed.events[0]).toEqual({ data: { type: 'job_id', job_id: expect.any(String) } });
      await runToEnd(streamed, streamed.events[0].data.job_id as string);
    });

    it('leaves the job running when its client disconnects', async () => {
      const client = await SseClient.open(`${base}/submit-stream`, { method: 'POST', headers: ci(), body: submitForm(project) });
      if (!(client instanceof SseClient)) throw new Error('not a stream');
      await client.until((e) => e.length >= 1);
      const jobId = client.events[0].data.job_id as string;
      client.close();
      await expectEventually(() => expect(app.get(JobLogStreams).openStreams).toBe(0));
      // Its last client gone, the job's binding is dropped.
      expect(app.get(JobLogFeed).watchedJobs).toBe(0);
      const { attempt } = await claim(jobId);
      await logs(jobId, attempt, [1]);
      await finish(jobId, attempt, 1);
      await expectEventually(async () => expect(await json(await fetch(`${base}/jobs/${jobId}`, { headers: ci() }))).toMatchObject({ status: 'completed', success: true }));
    });
  });

  describe('the rest of the CI API', () => {
    it('lists jobs as an array on the seed path and as cursor pages under /v1, with filters', async () => {
      const jobId = await submitAsync({ labels: 'suite=listing' });
      const array = await json<JobView[]>(await fetch(`${base}/jobs?label=suite%3Dlisting`, { headers: ci() }));
      expect(array.map((j) => j.job_id)).toEqual([jobId]);
      const page = await json<Page<JobView>>(await fetch(`${base}/v1/jobs?limit=1&submitted_by=api-key%3Aci-main`, { headers: ci() }));
      expect(page.items).toHaveLength(1);
      expect(page.next_cursor).toEqual(expect.any(String));
      const bad = await fetch(`${base}/v1/jobs?status=sleeping`, { headers: ci() });
      expect(bad.status).toBe(400);
    });

    it('cancels by DELETE and POST under /v1 and DELETE on the seed path, 202 with the job', async () => {
      const queued = await submitAsync();
      const byDelete = await fetch(`${base}/v1/jobs/${queued}`, { method: 'DELETE', headers: ci() });
      expect(byDelete.status).toBe(202);
      expect(await json(byDelete)).toMatchObject({ job_id: queued, status: 'canceled' });
      const again = await fetch(`${base}/jobs/${queued}`, { method: 'DELETE', headers: ci() });
      expect(again.status).toBe(409);
      expect(await json(again)).toMatchObject({ error: 'job_state_conflict' });

      const running = await submitAsync();
      const { attempt } = await claim(running);
      const watcher = await stream(`/jobs/${running}/stream`);
      const byPost = await fetch(`${base}/v1/jobs/${running}/cancel`, { method: 'POST', headers: ci() });
      expect(byPost.status).toBe(202);
      expect(await json(byPost)).toMatchObject({ job_id: running, status: 'running', cancel_requested_at: expect.any(String) });
      await agent.next((c) => c.command === 'cancel_job' && c.job_id === running);
      await agent.report(JobReport.Cancelling, { agent_id: agent.agentId, job_id: running, attempt });
      await finish(running, attempt, 0, 'canceled', { exit_code: 143, stopped: { container: `proctor-job-${running}`, signal: 'SIGTERM' } });
      await watcher.end();
      expect(watcher.events.map((e) => e.data)).toEqual([{ type: 'complete', success: false, status: 'canceled' }]);

      const seedPath = await submitAsync();
      expect((await fetch(`${base}/jobs/${seedPath}`, { method: 'DELETE', headers: ci() })).status).toBe(202);
    });

    it('lists and downloads artifacts the daemon uploaded by its signed URL; 404 for one that is not there', async () => {
      const jobId = await submitAsync({ artifacts: '["reports/junit.xml"]' });
      const claimView = await claim(jobId);
      const report = '<testsuite tests="1"/>';
      const upload = await fetch(`${claimView.artifact_upload_url}&path=${encodeURIComponent('reports/junit.xml')}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: report,
      });
      expect(upload.status).toBeLessThan(300);
      await finish(jobId, claimView.attempt, 0);
      const list = await json<{ path: string; size: number }[]>(await fetch(`${base}/v1/jobs/${jobId}/artifacts`, { headers: ci() }));
      expect(list).toEqual([expect.objectContaining({ path: 'reports/junit.xml', size: report.length })]);
      const download = await fetch(`${base}/v1/jobs/${jobId}/artifacts/reports/junit.xml`, { headers: ci() });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-disposition')).toContain('junit.xml');
      expect(await download.text()).toBe(report);
      const missing = await fetch(`${base}/v1/jobs/${jobId}/artifacts/reports/other.xml`, { headers: ci() });
      expect(missing.status).toBe(404);
      expect(await json(missing)).toMatchObject({ error: 'job_artifact_not_found' });
    });

    it('keeps POST /v1/jobs with a JSON spec', async () => {
      const res = await fetch(`${base}/v1/jobs`, { method: 'POST', headers: ci({ 'content-type': 'application/json' }), body: JSON.stringify({ priority: 3 }) });
      expect(res.status).toBe(201);
      expect(await json(res)).toMatchObject({ priority: 3, archive: null, submitted_by: 'api-key:ci-main' });
    });
  });

  describe('agent job routes', () => {
    it('claims with the agent of the credentials; a stale attempt is 409 and the job is not the agent’s to run', async () => {
      const jobId = await submitAsync();
      const offer = await agent.next((c) => c.command === 'run_job' && c.job_id === jobId);
      const stale = await agentPost(`/v1/agent/jobs/${jobId}/claim`, { attempt: offer.command.attempt + 1 });
      expect(stale.status).toBe(409);
      expect(await json(stale)).toMatchObject({ error: 'job_attempt_stale' });
      const res = await agentPost(`/v1/agent/jobs/${jobId}/claim`, { attempt: offer.command.attempt });
      expect(res.status).toBe(200);
      expect(await json(res)).toMatchObject({ job_id: jobId, attempt: offer.command.attempt, workspace_url: expect.stringContaining(`/workspaces/${jobId}/`) });
      const badBody = await agentPost(`/v1/agent/jobs/${jobId}/claim`, { attempt: 0, agent_id: randomUUID() });
      expect(badBody.status).toBe(400);
      const wrongKey = await fetch(`${base}/v1/agent/jobs/${jobId}/claim`, {
        method: 'POST',
        headers: { 'x-agent-name': AGENT.name, 'x-agent-key': 'pak_wrong', 'content-type': 'application/json' },
        body: JSON.stringify({ attempt: 1 }),
      });
      expect(wrongKey.status).toBe(401);
      await finish(jobId, offer.command.attempt, 0);
    });

    it('reconciles: a running job the daemon no longer holds is lost', async () => {
      const jobId = await submitAsync({ retries: '0' });
      const { attempt } = await claim(jobId);
      const res = await agentPost('/v1/agent/jobs/reconcile', { held: [] });
      expect(res.status).toBe(200);
      expect((await json<{ lost: { job_id: string }[] }>(res)).lost).toEqual(expect.arrayContaining([{ job_id: jobId, attempt }]));
      expect(await json(await fetch(`${base}/jobs/${jobId}`, { headers: ci() }))).toMatchObject({ status: 'failed' });
      const bad = await agentPost('/v1/agent/jobs/reconcile', { held: [{ job_id: 'x', attempt: 1 }] });
      expect(bad.status).toBe(400);
    });
  });

  it('documents the CI routes in OpenAPI, streams as text/event-stream', async () => {
    const spec = await json<{ paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>> }>(await fetch(`${base}/docs-json`));
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/submit',
        '/submit-stream',
        '/submit-async',
        '/jobs',
        '/jobs/{id}',
        '/jobs/{id}/stream',
        '/v1/jobs/submit',
        '/v1/jobs/{id}/stream',
        '/v1/jobs/{id}/cancel',
        '/v1/jobs/{id}/artifacts',
        '/v1/jobs/{id}/artifacts/{path}',
        '/v1/api-keys',
        '/v1/api-keys/{id}',
        '/v1/agent/jobs/{id}/claim',
        '/v1/agent/jobs/reconcile',
      ]),
    );
    expect(spec.paths['/jobs/{id}/stream'].get.responses['200'].content).toHaveProperty(['text/event-stream']);
  });
});
