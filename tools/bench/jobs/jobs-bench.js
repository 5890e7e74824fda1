#!/usr/bin/env node
// `npm run bench:jobs`: the CI jobs benchmark of issue 4, item 11 (DESIGN.md "Benchmarks"). In one
// run, one after the other so that no two measurements share the CPU:
//   1. the raw ceilings: RabbitMQ one-hop latency, transient and quorum queues
//      (../shared/bench/amqp-limit.js), bare node:http (../shared/bench/http-limit.js), and a bare
//      node:http server receiving the same 1 MB multipart body as the submissions (upload-sink.js,
//      driven by the same paced loop);
//   2. submission: POST /submit-async with a 1 MB project zip (incompressible, stored), multipart
//      with an API key, SUBMIT_RATE a second for SUBMIT_DURATION s (open loop, at most
//      SUBMIT_CONNECTIONS sockets), no agent online (jobs only queue); every 200 must have its row;
//      then the same zip straight to the jobs service (POST /internal/jobs, signed) to split the
//      time between the gateway and the rest; the queued jobs are then canceled through the API;
//   3. log latency: agentd (one, real Docker) runs printer.js in proctor-bench-node (node and its
//      libraries, built here when missing); it prints a line with its own wall-clock time every
//      LOG_INTERVAL_MS for LOG_DURATION s; an SSE client in this process takes arrival − printed per
//      line; a bare AMQP consumer bound to the job's `job.<id>` key on proctor.logs does the same, to
//      split the path at the broker;
//   4. fan-out: FANOUT_CLIENTS SSE clients follow one job (from_beginning=true), which prints
//      FANOUT_LINES lines every FANOUT_INTERVAL_MS once all of them follow it; every client must get
//      every line in order and the complete event; the gateway's memory is sampled throughout.
// Prints a summary, then as its last line one JSON object with the figures, ceilings, ratios and targets.
// Settings (environment): SUBMIT_DURATION (s, 15), SUBMIT_RATE (/s, 10), SUBMIT_CONNECTIONS (4),
//   SUBMIT_WARMUP (s, 2), ARCHIVE_BYTES (1048576), LOG_DURATION (s, 10), LOG_INTERVAL_MS (15),
//   FANOUT_CLIENTS (5000), FANOUT_LINES (100), FANOUT_INTERVAL_MS (50), FANOUT_CONNECT_CONCURRENCY (100),
//   CEILING_DURATION (s, 5), DATABASE_URL (superuser URL; its database part is replaced),
//   AMQP_URL (amqp://guest:guest@127.0.0.1:5672), BENCH_VERBOSE=1 (echo the apps' logs),
//   BENCH_ONLY=ceilings,submit,logs,fanout (a subset; the missing figures read null, their targets false),
//   BENCH_PROF=1 (gateway, jobs and agentd under `node --prof`, tick logs in tmp/bench-prof/<app>.v8.log),
//   BENCH_CPU_PROF=1 (the same under `node --cpu-prof`, .cpuprofile files in tmp/bench-prof/),
//   BENCH_NODE_ARGS (node flags for the gateway and the jobs service, added to the jobs service's deployed --initial-old-space-size=96).
// Exit code: 0 when every measurement ran and is valid (whatever the targets say), 1 otherwise.
'use strict';
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');
const { createChildren, sleep } = require('../lib/children');
const { runBench } = require('../lib/run-bench');
const { cpuSnapshot, cpuUsage, cpuOthers, formatCpu, machineLoad, cpuPerRequest, formatPerRequest } = require('../lib/cpu');
const setup = require('../lib/setup');
const { round, int, distribution } = require('../lib/stats');
const { NODE_IMAGE, ensureNodeImage } = require('./node-image');

const { positive, freePort, adminUrlFor, fetchJson } = setup;

const root = path.resolve(__dirname, '../../..');
const amqpCeilingScript = path.resolve(root, '../shared/bench/amqp-limit.js');
const httpCeilingScript = path.resolve(root, '../shared/bench/http-limit.js');
const uploadSinkScript = path.join(__dirname, 'upload-sink.js');
const printerScript = path.join(__dirname, 'printer.js');

const SUBMIT_DURATION = positive('SUBMIT_DURATION', 15);
const SUBMIT_RATE = positive('SUBMIT_RATE', 10);
const SUBMIT_CONNECTIONS = Math.round(positive('SUBMIT_CONNECTIONS', 4));
const SUBMIT_WARMUP = Number(process.env.SUBMIT_WARMUP ?? 2);
const ARCHIVE_BYTES = Math.round(positive('ARCHIVE_BYTES', 1024 * 1024));
const LOG_DURATION = positive('LOG_DURATION', 10);
const LOG_INTERVAL_MS = positive('LOG_INTERVAL_MS', 15);
const FANOUT_CLIENTS = Math.round(positive('FANOUT_CLIENTS', 5000));
const FANOUT_LINES = Math.round(positive('FANOUT_LINES', 100));
const FANOUT_INTERVAL_MS = positive('FANOUT_INTERVAL_MS', 50);
const FANOUT_CONNECT_CONCURRENCY = Math.round(positive('FANOUT_CONNECT_CONCURRENCY', 100));
const CEILING_DURATION = positive('CEILING_DURATION', 5);
const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const VERBOSE = process.env.BENCH_VERBOSE === '1';
const ONLY = new Set((process.env.BENCH_ONLY || 'ceilings,submit,logs,fanout').split(',').map((s) => s.trim()));
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
// Node flags for the gateway and the jobs service, e.g. `--max-semi-space-size=16` (V8 flags that NODE_OPTIONS refuses).
const NODE_ARGS = (process.env.BENCH_NODE_ARGS || '').split(/\s+/).filter(Boolean);
// The jobs service as it is deployed (k8s/base/jobs.yaml args, docker-compose.yml, tools/dev/start.js).
const JOBS_NODE_ARGS = ['--initial-old-space-size=96'];
const PROF_DIR = process.env.BENCH_PROF === '1' || CPU_PROF ? path.join(root, 'tmp/bench-prof') : undefined;
// The limiter stays on: every client of the run is one API key, so the limit is set far above what it sends in a minute.
const RATE_LIMIT_PER_MINUTE = 50_000_000;
// Paced at 1000/s by amqp-limit.js; a smaller flood than its default keeps the ceiling step short.
const AMQP_CEILING_FLOOD = 5000;
// How long the printing job waits for ./go before it gives up (the fan-out clients connect meanwhile).
const GO_TIMEOUT_MS = 180_000;
const TARGETS = { logP99Ms: 100, submitP99Ms: 20 };

const runId = crypto.randomBytes(4).toString('hex');
const namespace = `bench-${runId}`;
const database = `proctor_bench_${runId}`;
const signingSecret = crypto.randomBytes(24).toString('hex');
const adminPassword = crypto.randomBytes(12).toString('hex');
const workDir = path.join(os.tmpdir(), `proctor-bench-jobs-${runId}`);
const containerPrefix = 'proctor-bench-';

function log(line) {
  process.stdout.write(`bench:jobs ${line}\n`);
}

const { startChild, waitReadyz, waitReadyLine, runCeiling, stopChild, stopAll } = createChildren({ root, verbose: VERBOSE, profDir: PROF_DIR });
const amqp = require(require.resolve('amqplib', { paths: [root] }));
const { Client: PgClient } = require(require.resolve('pg', { paths: [root] }));
const { ZipFile } = require(require.resolve('yazl', { paths: [root] }));

const cpuLabel = (usage) => formatCpu(Object.fromEntries(Object.entries(usage).map(([k, v]) => [k === 'autocannon' ? 'bench process' : k, v])));
const ms = (d, key) => (d && d[key] !== null ? round(d[key], 2) : null);

/**
 * The wall clock in milliseconds with sub-millisecond resolution: Date.now() has whole milliseconds,
 * so performance.now() is anchored at the moment Date.now() ticks. Anchored again for each step, so
 * that no drift between the two clocks builds up; the printing job takes its times the same way.
 */
function anchoredWallClock() {
  const before = Date.now();
  let tick;
  while ((tick = Date.now()) === before);
  const at = performance.now();
  return () => tick + (performance.now() - at);
}

// ---------------------------------------------------------------- zips and forms

function zipOf(files) {
  return new Promise((resolve, reject) => {
    const zip = new ZipFile();
    for (const { name, content, compress = true } of files) zip.addBuffer(content, name, { mode: 0o100644, compress });
    zip.end();
    const parts = [];
    zip.outputStream.on('data', (c) => parts.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    zip.outputStream.on('error', reject);
  });
}

/** A multipart/form-data body as curl -F sends it: text fields, then the zip as `file`. */
function multipartBody(zip, fields = {}) {
  const boundary = `----proctor-bench-${crypto.randomBytes(12).toString('hex')}`;
  const parts = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="project.zip"\r\nContent-Type: application/zip\r\n\r\n`));
  parts.push(zip, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

// ---------------------------------------------------------------- the submission load

function postOnce(agent, port, urlPath, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: urlPath, agent, headers: { ...headers, 'content-length': body.length } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * An open loop: `rate` uploads a second for `seconds`, each sent at its time whether or not earlier
 * ones were answered, over at most `connections` keep-alive sockets. The latency of one is from its
 * request being issued (a request that finds every socket busy waits for one, and that wait counts)
 * to the last byte of the answer.
 */
async function paceUploads({ port, urlPath, headers, body, rate, seconds, connections, named, expected = 200 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  const status = new Map();
  const jobIds = [];
  let errors = 0;
  let firstError;
  const total = Math.max(1, Math.round(rate * seconds));
  const intervalMs = 1000 / rate;
  const inFlight = [];
  const cpuBefore = named ? cpuSnapshot(named) : undefined;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + i * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    inFlight.push(
      postOnce(agent, port, urlPath, headers, body).then(
        ({ status: code, text }) => {
          latencies.push(performance.now() - sent);
          status.set(code, (status.get(code) ?? 0) + 1);
          if (code === expected) {
            const id = /"job_id":"([0-9a-f-]{36})"/.exec(text)?.[1];
            if (id) jobIds.push(id);
          } else if (!firstError) firstError = `${code} ${text.slice(0, 200)}`;
        },
        (e) => {
          errors += 1;
          firstError ??= e.message;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  const cpuAfter = named ? cpuSnapshot(named) : undefined;
  agent.destroy();
  const ok = status.get(expected) ?? 0;
  return {
    sent: total,
    ok,
    non2xx: [...status].filter(([code]) => code < 200 || code >= 300).reduce((n, [, c]) => n + c, 0),
    status: Object.fromEntries(status),
    errors,
    firstError,
    rate: round(ok / elapsed, 1),
    latency: distribution(latencies),
    jobIds,
    cpu: cpuBefore ? cpuUsage(cpuBefore, cpuAfter) : undefined,
    others: cpuBefore ? cpuOthers(cpuBefore, cpuAfter) : undefined,
  };
}

// ---------------------------------------------------------------- ceilings

async function measureCeilings(uploadForm) {
  log(`ceiling: node ../shared/bench/amqp-limit.js transient,quorum (N=${AMQP_CEILING_FLOOD} flood, 3000 paced at 1000/s)...`);
  const hop = {};
  const amqpRun = await runCeiling('amqp-limit', amqpCeilingScript, { AMQP_URL, N: String(AMQP_CEILING_FLOOD) }, /^quorum: /, ['transient,quorum']);
  for (const l of amqpRun.lines) {
    const m = /^(\w+): flood (\d+) msg\/s .*latency ms p50 ([\d.]+) p99 ([\d.]+)/.exec(l);
    if (!m) continue;
    hop[m[1]] = { flood_msg_s: Number(m[2]), p50_ms: Number(m[3]), p99_ms: Number(m[4]) };
    log(`ceiling:   ${l}`);
  }
  log(`ceiling: node ../shared/bench/http-limit.js (CONNECTIONS=${SUBMIT_CONNECTIONS}, DURATION=${CEILING_DURATION})...`);
  const httpRun = await runCeiling(
    'http-limit',
    httpCeilingScript,
    { CONNECTIONS: String(SUBMIT_CONNECTIONS), DURATION: String(CEILING_DURATION) },
    /node:http: (\d+) req\/s, latency ms p50 ([\d.]+) p99 ([\d.]+)/,
  );
  for (const l of httpRun.lines) log(`ceiling:   ${l}`);
  const sinkPort = await freePort();
  log(`ceiling: bare node:http receiving the same ${int(uploadForm.body.length)}-byte multipart body, ${SUBMIT_RATE}/s for ${CEILING_DURATION} s, at most ${SUBMIT_CONNECTIONS} sockets (upload-sink.js)...`);
  const sink = startChild('upload-sink', [uploadSinkScript], { PORT: String(sinkPort) });
  await waitReadyLine(sink, 10_000);
  const uploadArgs = { port: sinkPort, urlPath: '/submit-async', headers: { 'content-type': uploadForm.contentType }, body: uploadForm.body, rate: SUBMIT_RATE, connections: SUBMIT_CONNECTIONS };
  await paceUploads({ ...uploadArgs, seconds: 1 });
  const upload = await paceUploads({ ...uploadArgs, seconds: CEILING_DURATION, named: [sink] });
  await stopChild(sink);
  log(
    `ceiling:   bare upload: ${upload.ok} answered, p50 ${round(upload.latency.p50)} ms, p99 ${round(upload.latency.p99)} ms, max ${round(upload.latency.max)} ms; ` +
      `CPU ${cpuLabel(upload.cpu)}`,
  );
  if (upload.ok !== upload.sent) throw new Error(`the bare upload ceiling answered ${upload.ok} of ${upload.sent}: ${upload.firstError}`);
  return {
    hop,
    http: { rps: Number(httpRun.match[1]), p50_ms: Number(httpRun.match[2]), p99_ms: Number(httpRun.match[3]) },
    upload: { p50_ms: round(upload.latency.p50), p99_ms: round(upload.latency.p99), max_ms: round(upload.latency.max), rate: upload.rate },
  };
}

// ---------------------------------------------------------------- the apps

/** How a profiled app is started (BENCH_PROF, BENCH_CPU_PROF); the gateway and jobs also take BENCH_NODE_ARGS. */
function profiling(name, extraNodeArgs = []) {
  if (!CPU_PROF) return { profile: process.env.BENCH_PROF === '1', nodeArgs: extraNodeArgs };
  fs.mkdirSync(PROF_DIR, { recursive: true });
  return { nodeArgs: [...extraNodeArgs, '--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`, `--cpu-prof-name=${name}.${runId}.cpuprofile`] };
}

async function startApps(urls) {
  const common = { AMQP_URL, PROCTOR_NAMESPACE: namespace, LOG_LEVEL: 'warn', JOBS_SIGNING_SECRET: signingSecret };
  const agentsPort = await freePort();
  const jobsPort = await freePort();
  const gatewayPort = await freePort();
  const jobsUrl = `http://127.0.0.1:${jobsPort}`;
  const agents = startChild('agents', [path.join(root, 'dist/apps/agents/src/main.js')], { ...common, PORT: String(agentsPort), DATABASE_URL: urls.agents });
  const jobs = startChild(
    'jobs',
    [path.join(root, 'dist/apps/jobs/src/main.js')],
    { ...common, PORT: String(jobsPort), DATABASE_URL: urls.jobs, JOBS_PUBLIC_URL: jobsUrl, JOBS_WEBHOOK_SECRET: crypto.randomBytes(24).toString('hex') },
    profiling('jobs', [...JOBS_NODE_ARGS, ...NODE_ARGS]),
  );
  await Promise.all([waitReadyz(agents, agentsPort), waitReadyz(jobs, jobsPort)]);
  const gateway = startChild(
    'gateway',
    [path.join(root, 'dist/apps/gateway/src/main.js')],
    {
      ...common,
      PORT: String(gatewayPort),
      DATABASE_URL: urls.gateway,
      JWT_SECRET: crypto.randomBytes(24).toString('hex'),
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: adminPassword,
      FLEET_API_KEY: `fleet-${crypto.randomBytes(16).toString('hex')}`,
      FLEET_ADMIN_API_KEY: `admin-${crypto.randomBytes(16).toString('hex')}`,
      JOBS_URL: jobsUrl,
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
    },
    profiling('gateway', NODE_ARGS),
  );
  await waitReadyz(gateway, gatewayPort);
  const base = `http://127.0.0.1:${gatewayPort}`;
  const token = (
    await fetchJson(`${base}/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: adminPassword }) })
  ).access_token;
  const admin = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const apiKey = (await fetchJson(`${base}/v1/api-keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: `bench-${runId}` }) }, 201)).key;
  log(`apps: gateway :${gatewayPort}, agents :${agentsPort}, jobs :${jobsPort}, namespace ${namespace}, LOG_LEVEL=warn`);
  log(`apps: rate limiter on, RATE_LIMIT_PER_MINUTE=${RATE_LIMIT_PER_MINUTE} (one API key for every client); SSE_MAX_BUFFERED_BYTES at its default`);
  return { agents, jobs, gateway, base, gatewayPort, jobsPort, admin, apiKey };
}

async function startAgentd(apps, cleanupState) {
  const agent = await fetchJson(`${apps.base}/v1/agents`, { method: 'POST', headers: apps.admin, body: JSON.stringify({ name: `bench-runner-${runId}` }) }, 201);
  cleanupState.agentIds.push(agent.id);
  fs.mkdirSync(workDir, { recursive: true });
  const agentd = startChild(
    'agentd',
    [
      path.join(root, 'dist/apps/agentd/src/main.js'),
      ...['--name', `bench-runner-${runId}`, '--gateway-url', apps.base, '--amqp-url', AMQP_URL, '--namespace', namespace, '--port', '0'],
    ],
    {
      AGENTD_KEY: agent.key,
      AGENTD_JOBS_WORK_DIR: workDir,
      AGENTD_JOBS_CONTAINER_PREFIX: containerPrefix,
      AGENTD_JOBS_MAX_CONCURRENT: '2',
      AGENTD_JOBS_STOP_GRACE_SECONDS: '2',
      LOG_LEVEL: 'warn',
    },
    profiling('agentd'),
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = await fetchJson(`${apps.base}/v1/agents/${agent.id}`, { headers: apps.admin });
    if (view.status === 'online' && view.capabilities?.docker?.available) break;
    if (Date.now() > deadline) throw new Error(`agentd did not come online with docker within 30 s (status ${view.status}): ${agentd.tail.slice(-5).join(' | ')}`);
    await sleep(200);
  }
  log(`agentd: online as bench-runner-${runId} (${agent.id}), docker available, AGENTD_JOBS_MAX_CONCURRENT=2, work dir ${workDir}`);
  return { agentd, agentId: agent.id };
}

async function submitJob(apps, files, fields) {
  const { body, contentType } = multipartBody(await zipOf(files), fields);
  const res = await fetch(`${apps.base}/submit-async`, { method: 'POST', headers: { 'x-api-key': apps.apiKey, 'content-type': contentType }, body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /submit-async answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text).job_id;
}

/** A job running printer.js in the node image: `lines` lines every `intervalMs` once ./go is written. */
function submitPrinter(apps, lines, intervalMs) {
  return submitJob(apps, [{ name: 'printer.js', content: fs.readFileSync(printerScript) }], {
    image: NODE_IMAGE,
    command: JSON.stringify(['node', 'printer.js']),
    env: JSON.stringify({ LINES: String(lines), INTERVAL_MS: String(intervalMs), GO_TIMEOUT_MS: String(GO_TIMEOUT_MS) }),
    timeout_seconds: '600',
  });
}

/** Lets a printing job go: ./go in its workspace (`<work dir>/<container name>/workspace`, the container named `<prefix><job>-<attempt>`). */
function letPrinterGo(jobId, attempt) {
  const dir = fs.readdirSync(workDir).find((d) => d.endsWith(`${jobId}-${attempt}`));
  if (!dir) throw new Error(`the workspace of job ${jobId} attempt ${attempt} is not in ${workDir}`);
  fs.writeFileSync(path.join(workDir, dir, 'workspace', 'go'), '');
}

// ---------------------------------------------------------------- SSE clients

/**
 * What an SSE frame says, parsed once for all the clients that receive the same frame (the gateway
 * serializes a live chunk once for every stream of a job): the kind, the attempt of a log chunk,
 * and, when its text ends a line, the lines it holds already read.
 */
class FrameCache {
  constructor() {
    this.frames = new Map();
  }

  parse(block) {
    let frame = this.frames.get(block);
    if (frame) return frame;
    if (block.startsWith(':')) frame = { kind: 'comment' };
    else {
      let id;
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      const event = JSON.parse(data);
      if (event.type === 'log') {
        const text = event.data;
        frame = { kind: 'log', attempt: Number(id?.split('-')[0]), text, lines: text.endsWith('\n') ? text.slice(0, -1).split('\n').map(parseLine) : null };
      } else frame = { kind: event.type, event };
    }
    this.frames.set(block, frame);
    return frame;
  }
}

/** A line of printer.js: `ready`, or `line <n> <printed at>`, or anything else (kept as text). */
function parseLine(text) {
  if (text === 'ready') return { ready: true };
  const m = /^line (\d+) ([\d.]+)$/.exec(text);
  return m ? { n: Number(m[1]), printedAt: Number(m[2]) } : { other: text };
}

/**
 * One client of `GET /jobs/<id>/stream?from_beginning=true`, keeping what a user would check: that
 * the job's lines come one after the other (1, 2, 3...), when each arrived (arrival − printed, on
 * the same host clock), and the complete event.
 */
class JobStreamClient {
  constructor({ jobId, lines, frames, clock, agent }) {
    this.jobId = jobId;
    this.expected = lines;
    this.frames = frames;
    this.clock = clock;
    this.agent = agent;
    this.latencies = new Float64Array(lines).fill(NaN);
    this.next = 1;
    this.received = 0;
    this.outOfOrder = 0;
    this.ready = false;
    this.attempt = null;
    this.complete = null;
    this.lastLineAt = null;
    this.others = [];
    this.buffered = '';
    this.partialLine = '';
    this.connected = false;
    this.isEnded = false;
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
    this.ended.then(() => (this.isEnded = true));
  }

  /** Resolves once the response head came (200), rejects on anything else. */
  open(port, apiKey) {
    return new Promise((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port, path: `/jobs/${this.jobId}/stream?from_beginning=true`, agent: this.agent, headers: { 'x-api-key': apiKey, accept: 'text/event-stream' } },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`GET /jobs/${this.jobId}/stream answered ${res.statusCode}`));
            return;
          }
          this.connected = true;
          res.setEncoding('utf8');
          res.on('data', (text) => this.onData(text));
          res.on('end', () => this.markEnded());
          res.on('error', () => this.markEnded());
          res.on('close', () => this.markEnded());
          resolve();
        },
      );
      req.on('error', (e) => {
        this.markEnded();
        reject(e);
      });
      this.request = req;
    });
  }

  get gotEverything() {
    return this.ready && this.received === this.expected && this.outOfOrder === 0 && this.complete?.success === true;
  }

  close() {
    this.request?.destroy();
  }

  onData(text) {
    const at = this.clock();
    this.buffered += text;
    let end;
    while ((end = this.buffered.indexOf('\n\n')) >= 0) {
      const frame = this.frames.parse(this.buffered.slice(0, end));
      this.buffered = this.buffered.slice(end + 2);
      if (frame.kind === 'log') this.onLog(frame, at);
      else if (frame.kind === 'complete') this.complete = frame.event;
    }
  }

  onLog(frame, at) {
    let lines = frame.lines;
    if (!lines || this.partialLine) {
      // A line cut between two chunks: put it together.
      const text = this.partialLine + frame.text;
      const pieces = text.split('\n');
      this.partialLine = pieces.pop();
      lines = pieces.map(parseLine);
    }
    for (const line of lines) {
      if (line.ready) {
        this.ready = true;
        this.attempt = frame.attempt;
      } else if (line.n !== undefined) {
        if (line.n !== this.next) this.outOfOrder += 1;
        this.next = line.n + 1;
        this.received += 1;
        if (line.n <= this.expected) this.latencies[line.n - 1] = at - line.printedAt;
        if (line.n === this.expected) this.lastLineAt = at;
      } else this.others.push(line.other);
    }
  }
}

// ---------------------------------------------------------------- log latency

/** A bare AMQP consumer of the job's chunks on proctor.logs, as the gateway's feed takes them: the broker's half of the path. */
async function brokerTap(jobId, clock) {
  const { BrokerNames } = require(path.join(root, 'dist/libs/messaging/src/topology/broker-names.js'));
  const names = new BrokerNames(namespace);
  const conn = await amqp.connect(AMQP_URL, { noDelay: true });
  conn.on('error', () => undefined);
  const channel = await conn.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
  await channel.bindQueue(queue, names.logsExchange, `job.${jobId}`);
  const latencies = [];
  let partial = '';
  await channel.consume(
    queue,
    (msg) => {
      if (!msg) return;
      const at = clock();
      const pieces = (partial + JSON.parse(msg.content.toString('utf8')).data).split('\n');
      partial = pieces.pop();
      for (const line of pieces.map(parseLine)) if (line.n !== undefined) latencies.push(at - line.printedAt);
    },
    { noAck: true },
  );
  return { latencies, close: () => conn.close().catch(() => undefined) };
}

async function waitUntil(what, condition, timeoutMs, intervalMs = 20) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(intervalMs);
  }
}

async function measureLogLatency(apps, named) {
  const lines = Math.round((LOG_DURATION * 1000) / LOG_INTERVAL_MS);
  log(`logs: a job printing ${lines} lines, one every ${LOG_INTERVAL_MS} ms (node in ${NODE_IMAGE}), followed by one SSE client and a bare AMQP consumer...`);
  const jobId = await submitPrinter(apps, lines, LOG_INTERVAL_MS);
  const clock = anchoredWallClock();
  const agent = new http.Agent({ keepAlive: false });
  const client = new JobStreamClient({ jobId, lines, frames: new FrameCache(), clock, agent });
  await client.open(apps.gatewayPort, apps.apiKey);
  const tap = await brokerTap(jobId, clock);
  try {
    const submitted = Date.now();
    await waitUntil('the printing job started and said ready', () => client.ready, 60_000);
    log(`logs: job ${jobId} ready ${((Date.now() - submitted) / 1000).toFixed(1)} s after it was submitted; go`);
    const before = cpuSnapshot(named);
    letPrinterGo(jobId, client.attempt);
    await Promise.race([client.ended, sleep(LOG_DURATION * 1000 + 60_000)]);
    const after = cpuSnapshot(named);
    await sleep(200); // the tap's last chunk
    const sse = distribution(client.latencies.filter((x) => !Number.isNaN(x)));
    const broker = distribution(tap.latencies);
    const figures = {
      job_id: jobId,
      lines,
      received: client.received,
      in_order: client.outOfOrder === 0,
      complete: client.complete,
      sse,
      broker,
      cpu: cpuUsage(before, after),
      others: cpuOthers(before, after),
    };
    figures.valid = client.gotEverything;
    log(
      `logs: ${client.received}/${lines} lines over SSE, ${client.outOfOrder === 0 ? 'in order' : `${client.outOfOrder} OUT OF ORDER`}, complete ${JSON.stringify(client.complete)}` +
        `${client.others.length ? `; other output: ${client.others.slice(0, 3).join(' | ')}` : ''}${figures.valid ? '' : '  => INVALID'}`,
    );
    log(`logs: printed → SSE client: p50 ${round(sse.p50)} ms, p90 ${round(sse.p90)} ms, p99 ${round(sse.p99)} ms, max ${round(sse.max)} ms`);
    log(`logs: printed → bare AMQP consumer: p50 ${round(broker.p50)} ms, p90 ${round(broker.p90)} ms, p99 ${round(broker.p99)} ms, max ${round(broker.max)} ms (${broker.n} lines)`);
    log(`logs: CPU while printing: ${cpuLabel(figures.cpu)}; interrupts ${figures.others?.irq ?? '?'}%, others ${figures.others?.others ?? '?'}%`);
    return figures;
  } finally {
    client.close();
    await tap.close();
    agent.destroy();
  }
}

// ---------------------------------------------------------------- fan-out

function fdLimit() {
  const out = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const value = out.stdout.trim();
  return value === 'unlimited' ? Infinity : Number(value);
}

/** A process's resident memory (VmRSS) and its peak so far (VmHWM), in MiB, from /proc. */
function memoryOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rss_mb: round(kb('VmRSS') / 1024, 1), hwm_mb: round(kb('VmHWM') / 1024, 1) };
  } catch {
    return { rss_mb: null, hwm_mb: null };
  }
}

async function sseDropped(apps) {
  try {
    const text = await (await fetch(`${apps.base}/metrics`)).text();
    return Number(/^proctor_gateway_sse_dropped_total(?:\{[^}]*\})? ([\d.e+]+)$/m.exec(text)?.[1] ?? 0);
  } catch {
    return null;
  }
}

async function measureFanout(apps, named) {
  const limit = fdLimit();
  if (limit < FANOUT_CLIENTS + 500) throw new Error(`ulimit -n is ${limit}: ${FANOUT_CLIENTS} SSE clients need more open files (ulimit -n ${FANOUT_CLIENTS * 2})`);
  log(`fan-out: ${int(FANOUT_CLIENTS)} SSE clients will follow one job printing ${FANOUT_LINES} lines every ${FANOUT_INTERVAL_MS} ms (ulimit -n ${limit})...`);
  const memory = { idle: memoryOf(apps.gateway.pid) };
  const jobId = await submitPrinter(apps, FANOUT_LINES, FANOUT_INTERVAL_MS);
  const clock = anchoredWallClock();
  const frames = new FrameCache();
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const clients = Array.from({ length: FANOUT_CLIENTS }, () => new JobStreamClient({ jobId, lines: FANOUT_LINES, frames, clock, agent }));
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, memoryOf(apps.gateway.pid).rss_mb ?? 0)), 100);
  try {
    const connectStart = performance.now();
    const connectCpu = cpuSnapshot(named);
    let next = 0;
    let refused = 0;
    let firstRefusal;
    await Promise.all(
      Array.from({ length: FANOUT_CONNECT_CONCURRENCY }, async () => {
        while (next < clients.length) {
          const client = clients[next++];
          await client.open(apps.gatewayPort, apps.apiKey).catch((e) => {
            refused += 1;
            firstRefusal ??= e.message;
          });
        }
      }),
    );
    const connectS = (performance.now() - connectStart) / 1000;
    const connectUsage = cpuUsage(connectCpu, cpuSnapshot(named));
    log(`fan-out: ${int(clients.length - refused)} clients connected in ${connectS.toFixed(1)} s (${int(FANOUT_CONNECT_CONCURRENCY)} at a time)${refused ? `, ${refused} REFUSED: ${firstRefusal}` : ''}; CPU ${cpuLabel(connectUsage)}`);
    const open = clients.filter((c) => c.connected);
    await waitUntil('every connected client got the ready line', () => open.every((c) => c.ready || c.isEnded), 90_000, 50);
    if (open.some((c) => !c.ready)) throw new Error(`${open.filter((c) => !c.ready).length} clients were disconnected before the job printed anything`);
    memory.connected = memoryOf(apps.gateway.pid);
    const attempt = open[0].attempt;
    log(`fan-out: every client follows job ${jobId} and got its ready line; gateway RSS ${memory.connected.rss_mb} MiB (${memory.idle.rss_mb} MiB before the clients); go`);
    const before = cpuSnapshot(named);
    const goAt = clock();
    letPrinterGo(jobId, attempt);
    const printing = (FANOUT_LINES * FANOUT_INTERVAL_MS) / 1000;
    const ended = await Promise.race([Promise.all(clients.map((c) => c.ended)).then(() => true), sleep((printing + 120) * 1000).then(() => false)]);
    const after = cpuSnapshot(named);
    const doneAt = clock();
    memory.after = memoryOf(apps.gateway.pid);
    const complete = clients.filter((c) => c.gotEverything).length;
    // The last line was printed once: its time is what any client that got it computed (arrival − latency).
    const gotLast = clients.filter((c) => c.lastLineAt !== null);
    const lastPrintedAt = gotLast.length ? gotLast[0].lastLineAt - gotLast[0].latencies[FANOUT_LINES - 1] : null;
    const lastArrivals = gotLast.map((c) => c.lastLineAt);
    const all = new Float64Array(clients.length * FANOUT_LINES);
    let k = 0;
    for (const c of clients) for (const x of c.latencies) if (!Number.isNaN(x)) all[k++] = x;
    const delivery = distribution(all.subarray(0, k));
    const figures = {
      job_id: jobId,
      clients: FANOUT_CLIENTS,
      connected: clients.length - refused,
      lines: FANOUT_LINES,
      interval_ms: FANOUT_INTERVAL_MS,
      complete_clients: complete,
      all_lines_everywhere: complete === FANOUT_CLIENTS,
      ended_in_time: ended,
      missing_deliveries: FANOUT_CLIENTS * FANOUT_LINES - k,
      out_of_order_clients: clients.filter((c) => c.outOfOrder > 0).length,
      dropped_by_gateway: await sseDropped(apps),
      connect_s: round(connectS, 1),
      last_line_to_last_client_ms: lastPrintedAt !== null ? round(Math.max(...lastArrivals) - lastPrintedAt, 1) : null,
      last_line_to_first_client_ms: lastPrintedAt !== null ? round(Math.min(...lastArrivals) - lastPrintedAt, 1) : null,
      go_to_done_s: round((doneAt - goAt) / 1000, 1),
      delivery,
      gateway_rss_mb: { idle: memory.idle.rss_mb, connected: memory.connected.rss_mb, peak: round(peakRss, 1), after: memory.after.rss_mb, hwm: memory.after.hwm_mb },
      cpu: cpuUsage(before, after),
      others: cpuOthers(before, after),
      connect_cpu: connectUsage,
    };
    // CPU per line delivered to one client, and per client connected, in microseconds of one core.
    const perUnit = (usage, seconds, units) => Object.fromEntries(Object.entries(usage).filter(([g]) => g !== 'machine busy').map(([g, pct]) => [g, round((pct / 100) * seconds * 1e6 / units, 1)]));
    figures.cpu_us_per_delivery = k > 0 ? perUnit(figures.cpu, (doneAt - goAt) / 1000, k) : null;
    figures.cpu_us_per_connect = perUnit(connectUsage, connectS, Math.max(1, figures.connected));
    log(
      `fan-out: ${int(complete)}/${int(FANOUT_CLIENTS)} clients got all ${FANOUT_LINES} lines in order and the complete event; ` +
        `${int(figures.missing_deliveries)} line deliveries missing, ${figures.out_of_order_clients} clients out of order, ${figures.dropped_by_gateway ?? '?'} dropped by the gateway`,
    );
    log(
      `fan-out: line printed → client: p50 ${round(delivery.p50)} ms, p99 ${round(delivery.p99)} ms, max ${round(delivery.max)} ms over ${int(delivery.n)} deliveries; ` +
        `last line → first client ${figures.last_line_to_first_client_ms} ms, → last client ${figures.last_line_to_last_client_ms} ms`,
    );
    log(`fan-out: gateway RSS ${figures.gateway_rss_mb.idle} MiB idle, ${figures.gateway_rss_mb.connected} MiB with the clients, peak ${figures.gateway_rss_mb.peak} MiB, ${figures.gateway_rss_mb.after} MiB at the end`);
    log(`fan-out: CPU from go to the last complete: ${cpuLabel(figures.cpu)}; interrupts ${figures.others?.irq ?? '?'}%, others ${figures.others?.others ?? '?'}%`);
    log(`fan-out: CPU per line delivered to a client (µs): gateway ${figures.cpu_us_per_delivery?.gateway}, bench process (the clients) ${figures.cpu_us_per_delivery?.autocannon}`);
    log(`fan-out: CPU per client connected (µs): gateway ${figures.cpu_us_per_connect.gateway}, jobs ${figures.cpu_us_per_connect.jobs}, postgres ${figures.cpu_us_per_connect.postgres}, rabbitmq ${figures.cpu_us_per_connect.rabbitmq}`);
    return figures;
  } finally {
    clearInterval(sampler);
    for (const c of clients) c.close();
    agent.destroy();
  }
}

// ---------------------------------------------------------------- submission

async function measureSubmission(apps, pg, form, named) {
  const headers = { 'x-api-key': apps.apiKey, 'content-type': form.contentType };
  const args = { port: apps.gatewayPort, urlPath: '/submit-async', headers, body: form.body, rate: SUBMIT_RATE, connections: SUBMIT_CONNECTIONS };
  const accepted = [];
  const jobsRssIdleMb = memoryOf(apps.jobs.pid).rss_mb;
  if (SUBMIT_WARMUP > 0) {
    log(`submit: warm-up ${SUBMIT_WARMUP} s...`);
    const warm = await paceUploads({ ...args, seconds: SUBMIT_WARMUP });
    accepted.push(...warm.jobIds);
  }
  log(`submit: POST /submit-async, ${int(form.body.length)}-byte multipart body (a ${int(form.zipBytes)}-byte zip), ${SUBMIT_RATE}/s for ${SUBMIT_DURATION} s, at most ${SUBMIT_CONNECTIONS} sockets, no agent online (the jobs only queue)...`);
  const run = await paceUploads({ ...args, seconds: SUBMIT_DURATION, named });
  accepted.push(...run.jobIds);
  const { rows } = await pg.query(`SELECT count(*)::int AS jobs, count(*) FILTER (WHERE status = 'queued')::int AS queued FROM jobs.jobs WHERE id = ANY($1::uuid[])`, [accepted]);
  const { rows: archives } = await pg.query('SELECT count(*)::int AS n FROM jobs.job_archives WHERE job_id = ANY($1::uuid[]) AND size = $2', [accepted, form.zipBytes]);
  const figures = {
    sent: run.sent,
    ok: run.ok,
    non2xx: run.non2xx,
    status: run.status,
    errors: run.errors,
    rate: run.rate,
    latency: run.latency,
    accepted: accepted.length,
    rows: rows[0].jobs,
    queued: rows[0].queued,
    archives: archives[0].n,
    cpu: run.cpu,
    others: run.others,
  };
  figures.cpu_ms_per_submission = cpuPerRequest(run.cpu, run.others?.irq ?? null, run.rate);
  figures.jobs_rss_idle_mb = jobsRssIdleMb;
  figures.jobs_rss_peak_mb = memoryOf(apps.jobs.pid).hwm_mb;
  figures.valid = run.non2xx === 0 && run.errors === 0 && run.ok === run.sent && figures.rows === accepted.length && figures.archives === accepted.length;
  log(
    `submit: ${run.ok}/${run.sent} answered 200 (${run.rate}/s), p50 ${round(run.latency.p50)} ms, p90 ${round(run.latency.p90)} ms, p99 ${round(run.latency.p99)} ms, max ${round(run.latency.max)} ms; ` +
      `${run.non2xx} non-2xx, ${run.errors} errors${run.firstError ? ` (first: ${run.firstError})` : ''}${figures.valid ? '' : '  => INVALID'}`,
  );
  log(`submit: ${accepted.length} job ids answered (warm-up included), ${figures.rows} rows (${figures.queued} queued), ${figures.archives} archives of ${int(form.zipBytes)} bytes`);
  log(`submit: CPU: ${cpuLabel(run.cpu)}; interrupts ${run.others?.irq ?? '?'}%, others ${run.others?.others ?? '?'}%`);
  log(`submit: CPU per submission (ms): ${formatPerRequest(figures.cpu_ms_per_submission)}`);
  log(`submit: the jobs service's RSS ${jobsRssIdleMb} MiB before the step, peak ${figures.jobs_rss_peak_mb} MiB (VmHWM)`);
  figures.direct = await measureDirectSubmission(apps, form.zip, named);
  accepted.push(...figures.direct.jobIds);
  delete figures.direct.jobIds;
  figures.valid = figures.valid && figures.direct.ok === figures.direct.sent;
  await cancelJobs(apps, accepted);
  return figures;
}

/**
 * Where the time of a submission goes: the same zip posted to the jobs service's own port as the
 * gateway forwards it (POST /internal/jobs, application/zip, signed), at the same rate, with no
 * gateway in the way. Not a target: it splits the figure above between the gateway and the rest.
 */
async function measureDirectSubmission(apps, zip, named) {
  const { SUBMISSION_HEADERS, signSubmission } = require(path.join(root, 'dist/libs/auth/src/signing/submission-signature.js'));
  const fields = Buffer.from('{}').toString('base64url');
  const submittedBy = `api-key:bench-${runId}`;
  const headers = {
    'content-type': 'application/zip',
    [SUBMISSION_HEADERS.fields]: fields,
    [SUBMISSION_HEADERS.submittedBy]: submittedBy,
    // Valid for 5 minutes: one signature serves the whole step.
    [SUBMISSION_HEADERS.signature]: signSubmission(signingSecret, { body: zip, fields, submittedBy }),
  };
  const seconds = Math.min(SUBMIT_DURATION, CEILING_DURATION * 2);
  log(`submit: the same zip to the jobs service alone (POST /internal/jobs, signed, as the gateway forwards it), ${SUBMIT_RATE}/s for ${seconds} s...`);
  const run = await paceUploads({ port: apps.jobsPort, urlPath: '/internal/jobs', headers, body: zip, rate: SUBMIT_RATE, seconds, connections: SUBMIT_CONNECTIONS, named, expected: 201 });
  log(
    `submit:   jobs service alone: ${run.ok}/${run.sent} answered 201, p50 ${round(run.latency.p50)} ms, p90 ${round(run.latency.p90)} ms, p99 ${round(run.latency.p99)} ms, max ${round(run.latency.max)} ms` +
      `${run.firstError ? ` (first error: ${run.firstError})` : ''}; CPU ${cpuLabel(run.cpu)}`,
  );
  return { ok: run.ok, sent: run.sent, latency: run.latency, cpu: run.cpu, jobIds: run.jobIds };
}

/** Cancels the queued submissions through the API (DELETE /jobs/{id}), so that no agent runs them later. */
async function cancelJobs(apps, jobIds) {
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < jobIds.length) {
        const id = jobIds[next++];
        const res = await fetch(`${apps.base}/jobs/${id}`, { method: 'DELETE', headers: { 'x-api-key': apps.apiKey } });
        await res.arrayBuffer();
        if (res.status !== 202) failed += 1;
      }
    }),
  );
  if (failed > 0) throw new Error(`${failed} of ${jobIds.length} queued submissions could not be canceled`);
  log(`submit: the ${jobIds.length} queued jobs canceled (DELETE /jobs/{id}), so that the agent started next does not run them`);
}

// ---------------------------------------------------------------- clean-up

const cleanupState = { agentIds: [] };
let cleaned = false;
let pg;

async function cleanUp() {
  if (cleaned) return;
  cleaned = true;
  await stopAll();
  await pg?.end().catch(() => undefined);
  for (const [what, step] of [
    [
      'remove the job containers',
      () => {
        const prefix = `${containerPrefix}${namespace}-`;
        const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=proctor.prefix=${prefix}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
        if (ids.length) spawnSync('docker', ['rm', '-f', ...ids]);
      },
    ],
    ['remove the work dir', () => fs.rmSync(workDir, { recursive: true, force: true })],
    ['drop the bench database', () => setup.dropDatabase(root, database)],
    [
      'delete the broker names',
      async () => {
        const { BrokerNames } = require(path.join(root, 'dist/libs/messaging/src/topology/broker-names.js'));
        const names = new BrokerNames(namespace);
        const queues = [names.serviceQueue('jobs', 'logs'), names.serviceQueue('jobs', 'reports'), names.serviceQueue('agents', 'reports'), ...cleanupState.agentIds.map((id) => names.agentQueue(id))];
        await setup.deleteBrokerNames({ root, amqpUrl: AMQP_URL, namespace, services: ['gateway', 'agents', 'jobs'], extraQueues: queues.flatMap((q) => [q, names.deadQueue(q)]) });
      },
    ],
  ]) {
    try {
      await step();
    } catch (e) {
      log(`clean-up: could not ${what}: ${e.message}`);
    }
  }
}

// ---------------------------------------------------------------- main

function summary({ ceilings, submit, logs, fanout, load, image, error, seconds }) {
  const valid =
    !error &&
    (!ONLY.has('ceilings') || Boolean(ceilings)) &&
    (!ONLY.has('submit') || Boolean(submit?.valid)) &&
    (!ONLY.has('logs') || Boolean(logs?.valid)) &&
    (!ONLY.has('fanout') || Boolean(fanout));
  const hopQuorum = ceilings?.hop?.quorum;
  const hopTransient = ceilings?.hop?.transient;
  const ratios = {
    log_p50_over_hop_p50: logs && hopTransient ? round(logs.sse.p50 / hopTransient.p50_ms, 1) : null,
    log_p99_over_hop_p99: logs && hopTransient ? round(logs.sse.p99 / hopTransient.p99_ms, 1) : null,
    submit_p50_over_bare_upload_p50: submit && ceilings ? round(submit.latency.p50 / ceilings.upload.p50_ms, 1) : null,
    submit_p99_over_bare_upload_p99: submit && ceilings ? round(submit.latency.p99 / ceilings.upload.p99_ms, 1) : null,
  };
  const targets = {
    log_p99_100ms: Boolean(valid && logs && logs.sse.p99 <= TARGETS.logP99Ms),
    submit_p99_20ms: Boolean(valid && submit && submit.latency.p99 <= TARGETS.submitP99Ms),
    fanout_5000_all_lines: Boolean(valid && fanout && fanout.clients >= 5000 && fanout.all_lines_everywhere),
  };
  const yes = (ok) => (ok ? 'met' : 'MISSED');
  console.log('');
  console.log(
    `Jobs benchmark, ${os.cpus().length} cores; machine before the run ${load?.busy_pct ?? '?'}% busy (load average ${load?.loadavg?.join(' ') ?? '?'}), one measurement after the other:`,
  );
  if (ceilings) {
    console.log(`  RabbitMQ one hop (paced 1000/s)   transient p50 ${hopTransient?.p50_ms} ms  p99 ${hopTransient?.p99_ms} ms; quorum p50 ${hopQuorum?.p50_ms} ms  p99 ${hopQuorum?.p99_ms} ms  (amqp-limit.js)`);
    console.log(`  bare node:http                    ${int(ceilings.http.rps)} req/s  p50 ${ceilings.http.p50_ms} ms  p99 ${ceilings.http.p99_ms} ms  (http-limit.js, ${SUBMIT_CONNECTIONS} connections)`);
    console.log(`  bare node:http, 1 MB upload       p50 ${ceilings.upload.p50_ms} ms  p99 ${ceilings.upload.p99_ms} ms  (upload-sink.js, ${SUBMIT_RATE}/s)`);
  }
  if (submit) {
    console.log(
      `  POST /submit-async, 1 MB zip      p50 ${round(submit.latency.p50)} ms  p99 ${round(submit.latency.p99)} ms  max ${round(submit.latency.max)} ms  ` +
        `(${submit.rate}/s for ${SUBMIT_DURATION} s, ${submit.non2xx} non-2xx, ${submit.rows}/${submit.accepted} rows)`,
    );
    console.log(`    CPU per submission (ms): ${formatPerRequest(submit.cpu_ms_per_submission)}`);
    if (submit.direct) console.log(`    the jobs service alone (POST /internal/jobs, signed): p50 ${round(submit.direct.latency.p50)} ms  p99 ${round(submit.direct.latency.p99)} ms`);
  }
  if (logs) {
    console.log(
      `  log line printed → SSE client     p50 ${round(logs.sse.p50)} ms  p99 ${round(logs.sse.p99)} ms  max ${round(logs.sse.max)} ms  ` +
        `(${logs.received}/${logs.lines} lines, ${logs.in_order ? 'in order' : 'OUT OF ORDER'}; to a bare AMQP consumer p50 ${round(logs.broker.p50)} ms, p99 ${round(logs.broker.p99)} ms)`,
    );
  }
  if (fanout) {
    console.log(
      `  fan-out                           ${int(fanout.complete_clients)}/${int(fanout.clients)} clients got all ${fanout.lines} lines; last line → last client ${fanout.last_line_to_last_client_ms} ms; ` +
        `delivery p50 ${round(fanout.delivery.p50)} ms p99 ${round(fanout.delivery.p99)} ms`,
    );
    console.log(
      `    gateway RSS ${fanout.gateway_rss_mb.idle} MiB idle, ${fanout.gateway_rss_mb.connected} MiB with ${int(fanout.connected)} clients, peak ${fanout.gateway_rss_mb.peak} MiB; clients connected in ${fanout.connect_s} s`,
    );
    console.log(`    CPU while fanning out: ${cpuLabel(fanout.cpu)}`);
  }
  if (logs) console.log(`  log p99       ${round(logs.sse.p99)} ms  (target <= ${TARGETS.logP99Ms} ms: ${yes(targets.log_p99_100ms)})`);
  if (submit) console.log(`  submit p99    ${round(submit.latency.p99)} ms  (target <= ${TARGETS.submitP99Ms} ms: ${yes(targets.submit_p99_20ms)})`);
  if (fanout) console.log(`  fan-out       ${int(fanout.complete_clients)}/${int(fanout.clients)} clients complete  (target 5,000 with every line: ${yes(targets.fanout_5000_all_lines)})`);
  if (!valid) console.log(`  RESULT INVALID${error ? `: ${error}` : ' (a step missing, a non-2xx answer, or log lines lost)'}`);
  console.log(`  one run took ${seconds} s`);
  if (PROF_DIR) console.log(`  profiles: ${PROF_DIR} (node --prof-process <app>.v8.log; .cpuprofile files open in Chrome DevTools)`);
  const json = {
    bench: 'jobs',
    log_p50_ms: ms(logs?.sse, 'p50'),
    log_p99_ms: ms(logs?.sse, 'p99'),
    log_max_ms: ms(logs?.sse, 'max'),
    log_lines: logs?.lines ?? null,
    log_lines_received: logs?.received ?? null,
    log_broker_p50_ms: ms(logs?.broker, 'p50'),
    log_broker_p99_ms: ms(logs?.broker, 'p99'),
    submit_p50_ms: ms(submit?.latency, 'p50'),
    submit_p99_ms: ms(submit?.latency, 'p99'),
    submit_max_ms: ms(submit?.latency, 'max'),
    submit_rate: submit?.rate ?? null,
    submit_non2xx: submit?.non2xx ?? null,
    submit_cpu_ms: submit?.cpu_ms_per_submission ?? null,
    submit_jobs_alone_p50_ms: ms(submit?.direct?.latency, 'p50'),
    submit_jobs_alone_p99_ms: ms(submit?.direct?.latency, 'p99'),
    submit_jobs_rss_idle_mb: submit?.jobs_rss_idle_mb ?? null,
    submit_jobs_rss_peak_mb: submit?.jobs_rss_peak_mb ?? null,
    fanout_clients: fanout?.clients ?? null,
    fanout_lines: fanout?.lines ?? null,
    fanout_complete: fanout ? fanout.all_lines_everywhere : null,
    fanout_complete_clients: fanout?.complete_clients ?? null,
    fanout_last_line_to_last_client_ms: fanout?.last_line_to_last_client_ms ?? null,
    fanout_delivery_p50_ms: ms(fanout?.delivery, 'p50'),
    fanout_delivery_p99_ms: ms(fanout?.delivery, 'p99'),
    fanout_connect_s: fanout?.connect_s ?? null,
    fanout_dropped: fanout?.dropped_by_gateway ?? null,
    fanout_gateway_cpu_us_per_delivery: fanout?.cpu_us_per_delivery?.gateway ?? null,
    gateway_rss_mb: fanout?.gateway_rss_mb.peak ?? null,
    gateway_rss_idle_mb: fanout?.gateway_rss_mb.idle ?? null,
    gateway_rss_connected_mb: fanout?.gateway_rss_mb.connected ?? null,
    ceilings: ceilings ? { hop: ceilings.hop, http: ceilings.http, bare_upload: ceilings.upload } : null,
    ratios,
    targets,
    valid,
    cpu: { submit: submit?.cpu ?? null, logs: logs?.cpu ?? null, fanout: fanout?.cpu ?? null, fanout_connect: fanout?.connect_cpu ?? null },
    machine: { cores: os.cpus().length, busy_before_pct: load?.busy_pct ?? null, loadavg_before: load?.loadavg ?? null },
    settings: {
      archive_bytes: ARCHIVE_BYTES,
      submit_rate: SUBMIT_RATE,
      submit_duration_s: SUBMIT_DURATION,
      submit_connections: SUBMIT_CONNECTIONS,
      log_interval_ms: LOG_INTERVAL_MS,
      log_duration_s: LOG_DURATION,
      fanout_interval_ms: FANOUT_INTERVAL_MS,
      image: image ?? null,
    },
    ...(error ? { error } : {}),
  };
  console.log(JSON.stringify(json));
  return valid;
}

async function measure(result) {
  setup.ensureBuilt(
    root,
    [
      'dist/apps/gateway/src/main.js',
      'dist/apps/agents/src/main.js',
      'dist/apps/jobs/src/main.js',
      'dist/apps/agentd/src/main.js',
      'dist/libs/messaging/src/index.js',
      'dist/node_modules/@proctor/messaging/index.js',
    ],
    log,
  );
  if (ONLY.has('logs') || ONLY.has('fanout')) {
    result.image = ensureNodeImage();
    log(`image: ${result.image.image} ${result.image.built ? 'built' : 'present'} (${int(result.image.bytes)} bytes: node ${process.version} and its shared libraries)`);
  }
  result.load = await machineLoad();
  log(`machine: ${result.load.cores} cores, ${result.load.busy_pct}% busy over 3 s before the run, load average ${result.load.loadavg.join(' ')}`);
  const payload = crypto.randomBytes(ARCHIVE_BYTES);
  const zip = await zipOf([
    { name: 'run-tests.sh', content: Buffer.from('echo "never run: the benchmark cancels it"\n') },
    { name: 'payload.bin', content: payload, compress: false },
  ]);
  const form = { ...multipartBody(zip), zip, zipBytes: zip.length };
  log(`database ${database} (roles proctor_gateway, proctor_agents, proctor_jobs), namespace ${namespace}...`);
  const { provisionDatabase } = require(path.join(root, 'tools/dev/database.js'));
  const urls = await provisionDatabase(adminUrlFor(database), ['gateway', 'agents', 'jobs']);
  if (ONLY.has('ceilings')) result.ceilings = await measureCeilings(form);
  if (ONLY.has('submit') || ONLY.has('logs') || ONLY.has('fanout')) {
    const apps = await startApps(urls);
    pg = new PgClient({ connectionString: adminUrlFor(database) });
    pg.on('error', () => undefined);
    await pg.connect();
    const named = [apps.gateway, apps.jobs, apps.agents];
    if (ONLY.has('submit')) result.submit = await measureSubmission(apps, pg, form, named);
    if (ONLY.has('logs') || ONLY.has('fanout')) {
      const { agentd } = await startAgentd(apps, cleanupState);
      named.push(agentd);
      if (ONLY.has('logs')) result.logs = await measureLogLatency(apps, named);
      if (ONLY.has('fanout')) result.fanout = await measureFanout(apps, named);
      await stopChild(agentd);
    }
  }
}

void runBench({ log, cleanUp, measure, summary: (result) => summary({ ...result, image: result.image?.image }) });
