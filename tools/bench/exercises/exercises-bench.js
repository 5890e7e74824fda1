#!/usr/bin/env node
// `npm run bench:exercises`: the exercises benchmark of issue 3, item 13 (DESIGN.md "Benchmarks"). In
// one run, one after the other so that no two measurements share the CPU:
//   1. the raw ceiling: RabbitMQ one-hop latency (../shared/bench/amqp-limit.js; the agent queues
//      are quorum queues, so its quorum figure is the one compared with);
//   2. dispatch latency: two agents created through the gateway, made online by a minimal simulated
//      daemon in this process (registers over HTTP with each agent's key, consumes `<ns>.agent.<id>`
//      over AMQP as agentd does: checkQueue, consume, ack; answers each `run` at once with
//      task.accepted and task.started on `proctor.reports`); EXERCISES times: create an exercise with
//      one 1-s TCP test, POST /v1/exercises/{id}/start, and time from the moment the start response
//      arrives to the moment the server task's `run` is in the daemon's consume callback (and, as a
//      second figure, from the server's task.started to the client's `run`). Each exercise is then
//      played to its end in the order a real one has (client started, client finished with a
//      captured iperf3 --json, server finished), ends by itself, and its kill_all commands are
//      awaited, so that every start finds both agents free and nothing of the last one in flight;
//   3. heartbeats: AGENTS agents inserted in bulk into agents.agents (SHA-256 key digests, as
//      agents.create stores them), each heartbeating every 5 s through the gateway
//      (POST /v1/agent/heartbeat, its own headers, a fresh Idempotency-Key each) for DURATION
//      seconds, open loop (each beat at its time, whether or not earlier ones were answered); a
//      sample of OFFLINE_SAMPLE agents stops at known times, and the time each one shows offline
//      (polling agents.agents as superuser) is compared with its last beat + the threshold.
// Prints a summary, then as its last line one JSON object with the figures, the ceiling and targets.
// Settings (environment): DURATION (s of heartbeats, 60), AGENTS (2000), OFFLINE_SAMPLE (50),
//   EXERCISES (200), WARMUP_EXERCISES (10, not measured), HEARTBEAT_WARMUP (s, 5, not counted),
//   DATABASE_URL (superuser URL; its database part is replaced, default postgres://postgres@127.0.0.1:5432),
//   AMQP_URL (amqp://guest:guest@127.0.0.1:5672), BENCH_VERBOSE=1 to echo the apps' logs,
//   BENCH_ONLY=ceiling,dispatch,heartbeats (a subset; the missing figures read null, their targets false),
//   BENCH_PROF=1 (apps under `node --prof`, tick logs in tmp/bench-prof/<app>.v8.log).
// Exit code: 0 when every measurement ran and is valid (whatever the targets say), 1 otherwise.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');
const { createChildren, sleep } = require('../lib/children');
const { runBench } = require('../lib/run-bench');
const { cpuSnapshot, cpuUsage, cpuOthers, formatCpu, machineLoad } = require('../lib/cpu');
const setup = require('../lib/setup');
const { round, distribution } = require('../lib/stats');
const { positive, freePort, adminUrlFor } = setup;

const root = path.resolve(__dirname, '../../..');
const ceilingScript = path.resolve(root, '../shared/bench/amqp-limit.js');
const iperf3Fixture = path.join(root, 'apps/exercises/src/result/fixtures/iperf3-3.12-tcp.json');

const DURATION = positive('DURATION', 60);
const AGENTS = Math.round(positive('AGENTS', 2000));
const OFFLINE_SAMPLE = Math.round(positive('OFFLINE_SAMPLE', 50));
const EXERCISES = Math.round(positive('EXERCISES', 200));
const WARMUP_EXERCISES = Math.round(Number(process.env.WARMUP_EXERCISES ?? 10));
const HEARTBEAT_WARMUP = Number(process.env.HEARTBEAT_WARMUP ?? 5);
const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const VERBOSE = process.env.BENCH_VERBOSE === '1';
const ONLY = new Set((process.env.BENCH_ONLY || 'ceiling,dispatch,heartbeats').split(',').map((s) => s.trim()));
const PROF_DIR = process.env.BENCH_PROF === '1' ? path.join(root, 'tmp/bench-prof') : undefined;
// The limiter stays on: agent routes are limited per client address, and every simulated agent
// calls from 127.0.0.1, so the limit is set far above what they send together in a minute.
const RATE_LIMIT_PER_MINUTE = 50_000_000;
// Slots of the dispatch exercises: a 1-s test plus this grace. Ended tasks give back the rest of
// their slot, so this only bounds the harm of a slot that is not given back.
const SLOT_GRACE_SECONDS = 2;
// The agents service's defaults, which the run does not change (read back from a registration).
const DEFAULT_PRESENCE = { heartbeatIntervalSeconds: 5, offlineAfterSeconds: 15 };
const OFFLINE_POLL_MS = 50;
const TARGETS = { dispatchP50Ms: 5, dispatchP99Ms: 20, offlineWithinS: 5, offlineExactS: 1 };

const runId = crypto.randomBytes(4).toString('hex');
const namespace = `bench-${runId}`;
const database = `proctor_bench_${runId}`;

function log(line) {
  process.stdout.write(`bench:exercises ${line}\n`);
}

const { startChild, describeFailure, waitReadyz, stopAll } = createChildren({ root, verbose: VERBOSE, profDir: PROF_DIR });
const amqp = require(require.resolve('amqplib', { paths: [root] }));
const { Client: PgClient } = require(require.resolve('pg', { paths: [root] }));
const cpuLabel = (usage) => formatCpu(Object.fromEntries(Object.entries(usage).map(([k, v]) => [k === 'autocannon' ? 'bench process' : k, v])));

// ---------------------------------------------------------------- HTTP

/**
 * One HTTP call on a keep-alive agent. `at` is performance.now() when the response head arrived
 * (the "moment the response arrives"), `end` when its body was read.
 */
function request(base, method, urlPath, { headers = {}, body, agent, timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const sent = performance.now();
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path: urlPath,
        agent,
        headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}), ...headers },
      },
      (res) => {
        const at = performance.now();
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode, sent, at, end: performance.now(), text });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${urlPath}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

function parse(res, expected, what) {
  if (!expected.includes(res.status)) throw new Error(`${what} answered ${res.status}: ${res.text.slice(0, 300)}`);
  return res.text ? JSON.parse(res.text) : undefined;
}

class AdminApi {
  constructor(base, token) {
    this.base = base;
    this.token = token;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  }

  call(method, urlPath, body) {
    return request(this.base, method, urlPath, { body, agent: this.agent, headers: { authorization: `Bearer ${this.token}` } });
  }

  async json(method, urlPath, body, expected = [200, 201]) {
    return parse(await this.call(method, urlPath, body), expected, `${method} ${urlPath}`);
  }
}

function agentHeaders(agent) {
  return { 'x-agent-name': agent.name, 'x-agent-key': agent.key, 'x-api-version': '1', 'idempotency-key': crypto.randomUUID() };
}

// ---------------------------------------------------------------- the apps

async function startApps(urls) {
  const common = { AMQP_URL, PROCTOR_NAMESPACE: namespace, LOG_LEVEL: 'warn' };
  const profile = { profile: true };
  const agentsPort = await freePort();
  const exercisesPort = await freePort();
  const agents = startChild('agents', [path.join(root, 'dist/apps/agents/src/main.js')], { ...common, PORT: String(agentsPort), DATABASE_URL: urls.agents }, profile);
  const exercises = startChild(
    'exercises',
    [path.join(root, 'dist/apps/exercises/src/main.js')],
    { ...common, PORT: String(exercisesPort), DATABASE_URL: urls.exercises, EXERCISES_SLOT_GRACE_SECONDS: String(SLOT_GRACE_SECONDS) },
    profile,
  );
  await Promise.all([waitReadyz(agents, agentsPort), waitReadyz(exercises, exercisesPort)]);
  const gatewayPort = await freePort();
  const password = crypto.randomBytes(12).toString('hex');
  const gateway = startChild(
    'gateway',
    [path.join(root, 'dist/apps/gateway/src/main.js')],
    {
      ...common,
      PORT: String(gatewayPort),
      DATABASE_URL: urls.gateway,
      JWT_SECRET: crypto.randomBytes(24).toString('hex'),
      JWT_TTL_SECONDS: '3600',
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: password,
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
    },
    profile,
  );
  await waitReadyz(gateway, gatewayPort);
  const base = new URL(`http://127.0.0.1:${gatewayPort}`);
  const token = parse(
    await request(base, 'POST', '/v1/auth/token', { body: { username: 'admin', password } }),
    [200, 201],
    'POST /v1/auth/token',
  )?.access_token;
  if (!token) throw new Error('POST /v1/auth/token gave no access_token');
  log(`apps: gateway :${gatewayPort}, agents :${agentsPort}, exercises :${exercisesPort}, namespace ${namespace}, LOG_LEVEL=warn`);
  log(`apps: EXERCISES_SLOT_GRACE_SECONDS=${SLOT_GRACE_SECONDS}; rate limiter on, RATE_LIMIT_PER_MINUTE=${RATE_LIMIT_PER_MINUTE} (every simulated agent calls from 127.0.0.1)`);
  return { agents, exercises, gateway, base, admin: new AdminApi(base, token) };
}

// ---------------------------------------------------------------- ceiling

async function measureCeiling() {
  log('ceiling: node ../shared/bench/amqp-limit.js (transient, durable, quorum; N=20000 flood, 3000 paced at 1000/s)...');
  if (!fs.existsSync(ceilingScript)) throw new Error(`${ceilingScript} not found`);
  const child = startChild('amqp-limit', [ceilingScript], { AMQP_URL });
  const modes = {};
  child.onLine((l) => {
    const m = /^(\w+): flood (\d+) msg\/s .*latency ms p50 ([\d.]+) p99 ([\d.]+)/.exec(l);
    if (m) {
      modes[m[1]] = { flood: Number(m[2]), p50_ms: Number(m[3]), p99_ms: Number(m[4]) };
      log(`ceiling:   ${l}`);
    }
  });
  const code = await child.exited;
  if (code !== 0 || !modes.quorum) throw describeFailure(child, `failed (exit ${code}) or printed no quorum result line`);
  return modes;
}

// ---------------------------------------------------------------- the simulated daemon

/**
 * A minimal agent daemon: registers over HTTP with its key, consumes its queue `<ns>.agent.<id>`
 * as agentd does (checkQueue, never declares it; prefetch 4; ack), heartbeats every interval, and
 * answers every `run` at once with the reports agentd would send (`proctor.reports`, persistent,
 * confirmed, message id, header `x-agent-id`): accepted and started for both kinds; finished with
 * a captured iperf3 `--json` for a client; a server finishes once its client did (`iperf3 -s -1`).
 */
class SimulatedDaemon {
  constructor({ agent, base, connection, names, output }) {
    this.agent = agent;
    this.base = base;
    this.connection = connection;
    this.names = names;
    this.output = output;
    this.http = new http.Agent({ keepAlive: true, maxSockets: 2 });
    this.runs = new Map(); // task_id -> { at, command }
    this.killAlls = new Map(); // exercise_id -> at
    this.startedAt = new Map(); // task_id -> performance.now() when task.started was published
    this.waiters = new Set();
    this.reportErrors = 0;
    this.heartbeatFailures = 0;
  }

  async register() {
    const now = new Date().toISOString();
    const res = await request(this.base, 'POST', '/v1/agent/register', {
      agent: this.http,
      headers: agentHeaders(this.agent),
      body: {
        version: '0.0.0-bench',
        labels: { bench: runId },
        capabilities: {
          iperf3: { version: '3.12', verified_at: now },
          interfaces: { items: [{ name: 'lo', addresses: ['127.0.0.1'] }], verified_at: now },
        },
      },
    });
    this.registration = parse(res, [200], `POST /v1/agent/register (${this.agent.name})`);
    return this.registration;
  }

  async consume() {
    const queue = this.registration.queue;
    this.channel = await this.connection.createChannel();
    this.channel.on('error', () => undefined);
    await this.channel.checkQueue(queue);
    await this.channel.prefetch(4);
    this.publisher = await this.connection.createConfirmChannel();
    this.publisher.on('error', () => undefined);
    const { consumerTag } = await this.channel.consume(queue, (msg) => this.receive(msg), { noAck: false });
    this.consumerTag = consumerTag;
  }

  receive(msg) {
    const at = performance.now();
    if (msg === null) return; // the queue was deleted (the agent too)
    this.channel.ack(msg);
    const command = JSON.parse(msg.content.toString('utf8'));
    if (command.command === 'run') {
      if (this.runs.has(command.task.task_id)) return; // a repeat of the same attempt: ignored, as agentd does
      this.runs.set(command.task.task_id, { at, command });
      void this.answer(command.task);
    } else if (command.command === 'kill_all') {
      this.killAlls.set(command.exercise_id, at);
    }
    for (const wake of this.waiters) wake();
  }

  /** What agentd does on a `run`: `task.accepted`, then `task.started` once iperf3 is up (here at once). */
  async answer(task) {
    const message = { task_id: task.task_id, agent_id: this.agent.id, attempt: task.attempt };
    try {
      await this.report('task.accepted', message);
      this.startedAt.set(task.task_id, performance.now());
      await this.report('task.started', message);
    } catch (e) {
      this.reportErrors++;
      log(`dispatch: ${this.agent.name} could not report on ${task.task_id}: ${e.message}`);
    }
  }

  /** `task.finished`: a client with the captured iperf3 `--json`, a server (`iperf3 -s -1` exits) without. */
  async finish(taskId) {
    const { command } = this.runs.get(taskId);
    const { task } = command;
    const message = { task_id: task.task_id, agent_id: this.agent.id, attempt: task.attempt, success: true };
    try {
      await this.report('task.finished', task.kind === 'iperf3_client' ? { ...message, output: this.output } : message);
    } catch (e) {
      this.reportErrors++;
      log(`dispatch: ${this.agent.name} could not report on ${task.task_id}: ${e.message}`);
    }
  }

  report(kind, payload) {
    return new Promise((resolve, reject) => {
      this.publisher.publish(
        this.names.reportsExchange,
        kind,
        Buffer.from(JSON.stringify(payload)),
        {
          persistent: true,
          contentType: 'application/json',
          messageId: crypto.randomUUID(),
          type: kind,
          appId: 'bench',
          timestamp: Math.floor(Date.now() / 1000),
          headers: { 'x-agent-id': this.agent.id },
        },
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }

  /** Resolves with what `find` returns once it returns something, or rejects after timeoutMs. */
  waitFor(find, timeoutMs, what) {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const wake = () => {
        const value = find();
        if (value === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`${this.agent.name}: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }

  waitRun(taskId, timeoutMs = 15_000) {
    return this.waitFor(() => this.runs.get(taskId), timeoutMs, `run of task ${taskId}`);
  }

  waitKillAll(exerciseId, timeoutMs = 10_000) {
    return this.waitFor(() => this.killAlls.get(exerciseId), timeoutMs, `kill_all of exercise ${exerciseId}`);
  }

  startHeartbeats(intervalSeconds) {
    this.heartbeatTimer = setInterval(() => {
      request(this.base, 'POST', '/v1/agent/heartbeat', { agent: this.http, headers: agentHeaders(this.agent), body: { status: 'online' } }).then(
        (res) => {
          if (res.status !== 200) this.heartbeatFailures++;
        },
        () => this.heartbeatFailures++,
      );
    }, intervalSeconds * 1000);
  }

  async close() {
    clearInterval(this.heartbeatTimer);
    if (this.consumerTag) await this.channel.cancel(this.consumerTag).catch(() => undefined);
    await this.channel?.close().catch(() => undefined);
    await this.publisher?.close().catch(() => undefined);
    this.http.destroy();
  }
}

// ---------------------------------------------------------------- dispatch latency

async function measureDispatch(apps, cleanupState) {
  const { admin, base } = apps;
  const { BrokerNames } = require(path.join(root, 'dist/libs/messaging/src/topology/broker-names.js'));
  const names = new BrokerNames(namespace);
  const output = JSON.parse(fs.readFileSync(iperf3Fixture, 'utf8'));
  const connection = await amqp.connect(AMQP_URL, { noDelay: true });
  connection.on('error', () => undefined);
  cleanupState.connections.push(connection);
  const daemons = [];
  for (const role of ['client', 'server']) {
    const created = await admin.json('POST', '/v1/agents', { name: `bench-${runId}-${role}`, labels: { bench: runId } }, [201]);
    cleanupState.agentIds.push(created.id);
    const daemon = new SimulatedDaemon({ agent: { id: created.id, name: created.name, key: created.key }, base, connection, names, output });
    cleanupState.daemons.push(daemon);
    await daemon.register();
    await daemon.consume();
    daemon.startHeartbeats(daemon.registration.heartbeat_interval_seconds);
    daemons.push(daemon);
  }
  const [client, server] = daemons;
  const presence = {
    heartbeatIntervalSeconds: server.registration.heartbeat_interval_seconds,
    offlineAfterSeconds: server.registration.offline_after_seconds,
  };
  log(`dispatch: agents ${client.agent.id} (client) and ${server.agent.id} (server) registered, consuming ${client.registration.queue} and ${server.registration.queue}`);

  const results = [];
  const clientHops = [];
  const slotWaits = [];
  let completed = 0;
  const unfinished = [];
  let stops = 0;
  let verifiedResult = null;
  const total = WARMUP_EXERCISES + EXERCISES;
  let cpuBefore;
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    const measured = i >= WARMUP_EXERCISES;
    if (i === WARMUP_EXERCISES) {
      log(`dispatch: ${WARMUP_EXERCISES} warm-up exercises done, measuring ${EXERCISES}...`);
      cpuBefore = cpuSnapshot([apps.gateway, apps.agents, apps.exercises]);
    }
    const exercise = await admin.json('POST', '/v1/exercises', { name: `bench ${runId} #${i}` }, [201]);
    const testBody = { client_agent_id: client.agent.id, server_agent_id: server.agent.id, duration_seconds: 1, protocol: 'tcp' };
    // The exercises service learns of the agents from agents events: until then, unknown_agent.
    for (let tries = 0; ; tries++) {
      const res = await admin.call('POST', `/v1/exercises/${exercise.id}/tests`, testBody);
      if (res.status === 201) break;
      if (!res.text.includes('unknown_agent') || tries >= 100) parse(res, [201], `POST /v1/exercises/${exercise.id}/tests`);
      await sleep(100);
    }
    const startRes = await admin.call('POST', `/v1/exercises/${exercise.id}/start`);
    const detail = parse(startRes, [200], `POST /v1/exercises/${exercise.id}/start`);
    const serverTask = detail.tasks.find((t) => t.kind === 'iperf3_server');
    const clientTask = detail.tasks.find((t) => t.kind === 'iperf3_client');
    if (!serverTask || !clientTask) throw new Error(`the start of ${exercise.id} gave no server and client task: ${startRes.text.slice(0, 300)}`);
    const serverRun = await server.waitRun(serverTask.id);
    const clientRun = await client.waitRun(clientTask.id);
    if (measured) {
      results.push({ afterResponse: serverRun.at - startRes.at, afterRequest: serverRun.at - startRes.sent, startRtt: startRes.at - startRes.sent });
      clientHops.push(clientRun.at - server.startedAt.get(serverTask.id));
      // The slot began at the start (the database's clock) unless the agents were still busy.
      slotWaits.push(Date.parse(serverTask.slot_start) - Date.parse(detail.started_at ?? serverTask.created_at));
    }
    // The rest of the run in the order a real one has it (seconds apart there, so never handled
    // out of order): the client runs (started applied), finishes; then the server (`iperf3 -s -1`
    // exits after its client); the exercise then ends by itself (all tasks terminal).
    const taskStates = async () => (await admin.json('GET', `/v1/exercises/${exercise.id}`)).tasks.filter((t) => t.kind !== 'kill_all');
    const until = async (done, what) => {
      for (let polls = 0; polls < 300; polls++) {
        const tasks = await taskStates();
        if (done(tasks)) return tasks;
        await sleep(5);
      }
      log(`dispatch: exercise ${exercise.id}: not ${what} within 300 polls`);
      return taskStates();
    };
    const stateOf = (tasks, id) => tasks.find((t) => t.id === id)?.state;
    const terminal = (state) => ['succeeded', 'failed', 'timed_out', 'canceled'].includes(state);
    await until((t) => stateOf(t, clientTask.id) !== 'pending' && stateOf(t, clientTask.id) !== 'accepted', 'client running');
    await client.finish(clientTask.id);
    await until((t) => terminal(stateOf(t, clientTask.id)), 'client finished');
    await server.finish(serverTask.id);
    const tasks = await until((t) => t.every((x) => terminal(x.state)), 'all tasks ended');
    if (tasks.every((t) => t.state === 'succeeded')) completed++;
    else unfinished.push({ exercise: exercise.id, tasks: tasks.map((t) => `${t.kind} ${t.state}${t.reason ? ` (${t.reason}${t.error ? `: ${t.error}` : ''})` : ''}`) });
    if (measured && !verifiedResult) {
      const view = await admin.json('GET', `/v1/exercises/${exercise.id}/results`);
      verifiedResult = view.results?.[0] ?? null;
    }
    // It ends by itself once every task has; if not, stop it, so that the next start finds the agents free.
    let ended = false;
    for (let polls = 0; polls < 100 && !ended; polls++) {
      ended = (await admin.json('GET', `/v1/exercises/${exercise.id}`)).status === 'ended';
      if (!ended) await sleep(10);
    }
    if (!ended) {
      stops++;
      const stop = await admin.call('POST', `/v1/exercises/${exercise.id}/stop`);
      if (stop.status !== 409) parse(stop, [200], `POST /v1/exercises/${exercise.id}/stop`);
    }
    await Promise.all([client.waitKillAll(exercise.id), server.waitKillAll(exercise.id)]);
  }
  const seconds = (Date.now() - started) / 1000;
  const cpuAfter = cpuSnapshot([apps.gateway, apps.agents, apps.exercises]);
  const cpu = cpuBefore ? cpuUsage(cpuBefore, cpuAfter) : undefined;
  const others = cpuBefore ? cpuOthers(cpuBefore, cpuAfter) : undefined;
  await Promise.all(daemons.map((d) => d.close()));
  // The agents go: their queues are deleted by the agents service, and they are not silent agents
  // going offline during the heartbeat measurement.
  for (const d of daemons) {
    const res = await admin.call('DELETE', `/v1/agents/${d.agent.id}`);
    if (res.status === 204) cleanupState.agentIds.splice(cleanupState.agentIds.indexOf(d.agent.id), 1);
  }
  const latency = distribution(results.map((r) => r.afterResponse));
  const fromRequest = distribution(results.map((r) => r.afterRequest));
  const startRtt = distribution(results.map((r) => r.startRtt));
  const clientHop = distribution(clientHops);
  const figures = {
    n: results.length,
    latency,
    fromRequest,
    startRtt,
    clientHop,
    beforeResponse: results.filter((r) => r.afterResponse < 0).length,
    delayedSlots: slotWaits.filter((w) => w > 50).length,
    completed,
    total,
    stops,
    reportErrors: client.reportErrors + server.reportErrors,
    heartbeatFailures: client.heartbeatFailures + server.heartbeatFailures,
    verifiedResult,
    seconds,
    cpu,
    others,
    presence,
  };
  figures.valid =
    figures.n === EXERCISES && figures.delayedSlots === 0 && figures.reportErrors === 0 && figures.completed === total && Boolean(verifiedResult?.received_bps > 0);
  const ms = (x) => (x === null ? 'n/a' : x.toFixed(2));
  log(
    `dispatch: ${figures.n} starts in ${seconds.toFixed(1)} s: start response -> server run in the daemon's hands p50 ${ms(latency.p50)} ms, p99 ${ms(latency.p99)} ms, ` +
      `max ${ms(latency.max)} ms (${figures.beforeResponse} arrived before the response)`,
  );
  log(`dispatch: from the start request sent: p50 ${ms(fromRequest.p50)} ms, p99 ${ms(fromRequest.p99)} ms; the start call itself: p50 ${ms(startRtt.p50)} ms, p99 ${ms(startRtt.p99)} ms`);
  log(`dispatch: server task.started published -> client run in hands: p50 ${ms(clientHop.p50)} ms, p99 ${ms(clientHop.p99)} ms`);
  log(
    `dispatch: ${completed}/${total} exercises with both tasks succeeded, ${figures.delayedSlots} slots not at the start, ${stops} stopped (not ended by themselves), ` +
      `${figures.reportErrors} report errors, ${figures.heartbeatFailures} failed heartbeats; parsed result of the first: ` +
      `${verifiedResult ? `received ${Math.round(verifiedResult.received_bps / 1e6)} Mbit/s` : 'none'}${figures.valid ? '' : '  => INVALID'}`,
  );
  for (const u of unfinished.slice(0, 5)) log(`dispatch: not both succeeded: exercise ${u.exercise}: ${u.tasks.join(', ')}`);
  if (cpu) log(`dispatch: CPU: ${cpuLabel(cpu)}; others ${others?.others ?? 'n/a'}%, irq ${others?.irq ?? 'n/a'}%`);
  return figures;
}

// ---------------------------------------------------------------- heartbeats

async function insertAgents(client) {
  const ids = [];
  const names = [];
  const keys = [];
  const digests = [];
  for (let i = 0; i < AGENTS; i++) {
    const key = `pak_${crypto.randomBytes(32).toString('base64url')}`;
    ids.push(crypto.randomUUID());
    names.push(`hb-${runId}-${String(i).padStart(5, '0')}`);
    keys.push(key);
    digests.push(crypto.createHash('sha256').update(key, 'utf8').digest('hex'));
  }
  // Online with a beat now: every agent beats within one interval of the load's start.
  await client.query(
    `INSERT INTO agents.agents (id, name, key_sha256, status, labels, last_heartbeat)
     SELECT id, name, digest, 'online', jsonb_build_object('bench', $4::text), now()
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, name, digest)`,
    [ids, names, digests, runId],
  );
  return ids.map((id, i) => ({ id, name: names[i], key: keys[i] }));
}

/** Postgres' clock less ours (ms), from the midpoint of a round trip: both should read the same host clock. */
async function clockOffsetMs(client) {
  let best;
  for (let i = 0; i < 5; i++) {
    const before = Date.now();
    const { rows } = await client.query(`SELECT (extract(epoch from clock_timestamp()) * 1000)::float8 AS ms`);
    const after = Date.now();
    const offset = rows[0].ms - (before + after) / 2;
    if (!best || after - before < best.rtt) best = { offset, rtt: after - before };
  }
  return best.offset;
}

async function measureHeartbeats(apps, presence) {
  const { base } = apps;
  const client = new PgClient({ connectionString: adminUrlFor(database) });
  client.on('error', () => undefined); // the database dropped under it at an interrupt
  await client.connect();
  try {
    const intervalMs = presence.heartbeatIntervalSeconds * 1000;
    const agents = await insertAgents(client);
    const offset = await clockOffsetMs(client);
    log(
      `heartbeats: ${AGENTS} agents inserted into agents.agents (online, SHA-256 key digests); each beats every ${presence.heartbeatIntervalSeconds} s, ` +
        `${round(AGENTS / presence.heartbeatIntervalSeconds, 0)} beats/s in all; Postgres clock offset ${offset.toFixed(1)} ms`,
    );
    // The sample: agents spread over the population (hence over the beat schedule), each stopping
    // after its first beat from STOP_AT on, so that their last beats spread over one interval.
    const step = Math.max(1, Math.floor(AGENTS / OFFLINE_SAMPLE));
    const sample = new Map();
    for (let i = 0; i < AGENTS && sample.size < OFFLINE_SAMPLE; i += step) sample.set(i, { agent: agents[i] });
    const stopAtMs = Math.min(10_000, Math.max(HEARTBEAT_WARMUP * 1000, (DURATION * 1000) / 3));
    const durationMs = DURATION * 1000;
    const warmupMs = HEARTBEAT_WARMUP * 1000;
    const offlineAfterMs = presence.offlineAfterSeconds * 1000;
    const giveUpMs = stopAtMs + intervalMs + offlineAfterMs + 15_000;

    const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const beats = []; // { due, sent, latency, status } of beats sent after the warm-up
    let inFlight = 0;
    let maxInFlight = 0;
    let errors = 0;
    let non2xx = 0;
    const statusCounts = {};
    let lastBeatIndex = 0;
    let sentCounted = 0;
    let answered = 0;
    const lateness = [];
    const t0 = performance.now() + 200;
    const wallAt = (perf) => Date.now() + (perf - performance.now());
    let stopping = false;
    const flapped = new Set();

    const sendBeat = (j) => {
      const i = j % AGENTS;
      const roundNo = Math.floor(j / AGENTS);
      const due = t0 + roundNo * intervalMs + (i * intervalMs) / AGENTS;
      const s = sample.get(i);
      if (s && s.lastDue !== undefined) return; // stopped
      const isLast = s && due - t0 >= stopAtMs;
      const agent = agents[i];
      const now = performance.now();
      lateness.push(now - due);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (isLast) s.lastDue = due;
      const counted = due - t0 >= warmupMs;
      if (counted) sentCounted++;
      request(base, 'POST', '/v1/agent/heartbeat', { agent: httpAgent, headers: agentHeaders(agent), body: '{"status":"online"}', timeoutMs: 30_000 }).then(
        (res) => {
          inFlight--;
          statusCounts[res.status] = (statusCounts[res.status] ?? 0) + 1;
          if (res.status >= 200 && res.status < 300) answered++;
          if (res.status < 200 || res.status >= 300) non2xx++;
          if (counted) beats.push({ due, latency: res.end - res.sent, ok: res.status >= 200 && res.status < 300, doneAt: res.end });
          if (isLast) {
            s.lastSent = wallAt(res.sent);
            s.lastAnswered = wallAt(res.end);
            s.lastStatus = res.status;
          }
        },
        () => {
          inFlight--;
          errors++;
          if (counted) beats.push({ due, latency: null, ok: false, doneAt: performance.now() });
        },
      );
    };

    const dueOf = (j) => t0 + Math.floor(j / AGENTS) * intervalMs + ((j % AGENTS) * intervalMs) / AGENTS;
    let loadEnd = t0 + durationMs;
    const allSampleDone = () => [...sample.values()].every((s) => s.detectedAt !== undefined);
    const scheduler = new Promise((resolve) => {
      const tick = () => {
        const now = performance.now();
        // Go on past DURATION while a sample agent is not yet seen offline (short runs), within reason.
        if (cleaning || (now >= loadEnd && (allSampleDone() || now >= t0 + giveUpMs))) return resolve();
        if (now >= loadEnd) loadEnd = now + 100;
        while (dueOf(lastBeatIndex) <= now) sendBeat(lastBeatIndex++);
        setTimeout(tick, Math.max(0, Math.min(dueOf(lastBeatIndex) - performance.now(), 20)));
      };
      setTimeout(tick, Math.max(0, t0 - performance.now()));
    });

    // The offline watch: each sample agent, from its last beat on, polled until it shows offline.
    const sampleIds = [...sample.values()].map((s) => s.agent.id);
    const bySampleId = new Map([...sample.values()].map((s) => [s.agent.id, s]));
    // A failed poll (the database going away at an interrupt) ends the watch, never the process.
    const watcher = (async () => {
      while (!stopping && !cleaning) {
        const watched = [...sample.values()].filter((s) => s.lastAnswered !== undefined && s.detectedAt === undefined).map((s) => s.agent.id);
        if (watched.length > 0) {
          const { rows } = await client.query(`SELECT id, status, last_heartbeat, updated_at FROM agents.agents WHERE id = ANY($1::uuid[])`, [watched]);
          const seenAt = Date.now() + offset; // on Postgres' clock
          for (const row of rows) {
            const s = bySampleId.get(row.id);
            if (row.status === 'offline') {
              s.detectedAt = seenAt;
              s.lastHeartbeat = row.last_heartbeat.getTime();
              s.markedAt = row.updated_at.getTime();
            }
          }
        }
        await sleep(OFFLINE_POLL_MS);
      }
    })().catch((e) => log(`heartbeats: the offline watch stopped: ${e.message}`));
    // Agents that should never go offline: any of them seen offline flapped (a beat too late).
    const flapWatcher = (async () => {
      while (!stopping && !cleaning) {
        const { rows } = await client.query(`SELECT id FROM agents.agents WHERE status = 'offline' AND name LIKE $1 AND NOT (id = ANY($2::uuid[]))`, [
          `hb-${runId}-%`,
          sampleIds,
        ]);
        for (const row of rows) flapped.add(row.id);
        await sleep(500);
      }
    })().catch((e) => log(`heartbeats: the watch of the other agents stopped: ${e.message}`));

    const cpuBefore = cpuSnapshot([apps.gateway, apps.agents, apps.exercises]);
    const loadBefore = os.loadavg();
    log(`heartbeats: ${DURATION} s of load (the first ${HEARTBEAT_WARMUP} s not counted); ${sample.size} sample agents stop after their first beat from ${stopAtMs / 1000} s on...`);
    await scheduler;
    const cpuAfter = cpuSnapshot([apps.gateway, apps.agents, apps.exercises]);
    const answeredAtCpuAfter = answered;
    const loadEndWall = performance.now();
    for (let waited = 0; inFlight > 0 && waited < 30_000; waited += 50) await sleep(50);
    stopping = true;
    await Promise.all([watcher, flapWatcher]);
    httpAgent.destroy();

    const windowS = (loadEndWall - (t0 + warmupMs)) / 1000;
    const okBeats = beats.filter((b) => b.ok);
    const lat = distribution(okBeats.map((b) => b.latency));
    const late = distribution(lateness);
    const lags = [...sample.values()].filter((s) => s.detectedAt !== undefined).map((s) => (s.detectedAt - s.lastHeartbeat - offlineAfterMs) / 1000);
    const markLags = [...sample.values()].filter((s) => s.markedAt !== undefined).map((s) => (s.markedAt - s.lastHeartbeat - offlineAfterMs) / 1000);
    const sampleStatusOk = [...sample.values()].every((s) => s.lastStatus === 200);
    const cpu = cpuUsage(cpuBefore, cpuAfter);
    const others = cpuOthers(cpuBefore, cpuAfter);
    const figures = {
      agents: AGENTS,
      planned_per_s: AGENTS / presence.heartbeatIntervalSeconds,
      offered_per_s: sentCounted / windowS,
      per_s: okBeats.length / windowS,
      window_s: windowS,
      load_s: (loadEndWall - t0) / 1000,
      sent: lastBeatIndex,
      counted: beats.length,
      latency: lat,
      non2xx,
      errors,
      statusCounts,
      maxInFlight,
      lateness: late,
      offline: {
        sample: sample.size,
        detected: lags.length,
        lag: distribution(lags),
        markLag: distribution(markLags),
        lags,
        pollMs: OFFLINE_POLL_MS,
      },
      flapped: flapped.size,
      clockOffsetMs: offset,
      cpu,
      others,
      loadavg: { before: loadBefore.map((l) => round(l, 2)), after: os.loadavg().map((l) => round(l, 2)) },
    };
    // CPU spent per answered beat, by process (ms): what the rate costs, and how far it could go.
    const cpuSeconds = Number(cpuAfter.at - cpuBefore.at) / 1e9;
    figures.cpuMsPerBeat = {};
    for (const [group, pct] of Object.entries(cpu)) {
      if (group === 'machine busy') continue;
      figures.cpuMsPerBeat[group === 'autocannon' ? 'bench process' : group] = round(((pct / 100) * cpuSeconds * 1000) / Math.max(1, answeredAtCpuAfter), 2);
    }
    figures.valid = errors === 0 && non2xx === 0 && lags.length === sample.size && sampleStatusOk && lat.n > 0;
    const ms = (x) => (x === null ? 'n/a' : x.toFixed(1));
    const s = (x) => (x === null ? 'n/a' : x.toFixed(2));
    log(
      `heartbeats: ${round(figures.per_s, 0)} beats/s answered 2xx over ${windowS.toFixed(1)} s (sent ${round(figures.offered_per_s, 0)}/s; ${figures.planned_per_s}/s before the sample stopped), p50 ${ms(lat.p50)} ms, p99 ${ms(lat.p99)} ms, ` +
        `max ${ms(lat.max)} ms; ${non2xx} non-2xx, ${errors} errors; at most ${maxInFlight} in flight; sent late by p99 ${ms(late.p99)} ms${figures.valid ? '' : '  => INVALID'}`,
    );
    log(
      `heartbeats: offline seen (poll every ${OFFLINE_POLL_MS} ms) at last beat + ${presence.offlineAfterSeconds} s + min ${s(figures.offline.lag.min)} s, p50 ${s(figures.offline.lag.p50)} s, ` +
        `p90 ${s(figures.offline.lag.p90)} s, max ${s(figures.offline.lag.max)} s (${lags.length}/${sample.size} detected); marked (updated_at) p50 ${s(figures.offline.markLag.p50)} s, ` +
        `max ${s(figures.offline.markLag.max)} s; ${flapped.size} other agents seen offline`,
    );
    // The distribution of the lags, in tenths of a second past the threshold.
    const buckets = new Map();
    for (const lag of lags) {
      const b = Math.floor(lag * 10) / 10;
      buckets.set(b, (buckets.get(b) ?? 0) + 1);
    }
    figures.offline.histogram = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([from, n]) => ({ from_s: round(from, 1), n }));
    log(`heartbeats: offline lags by tenth of a second (from: count): ${figures.offline.histogram.map((h) => `${h.from_s.toFixed(1)}: ${h.n}`).join(', ')}`);
    // Where the tail is: the seconds (since the load began) whose slowest beats were slowest.
    const perSecond = new Map();
    for (const b of okBeats) {
      const second = Math.floor((b.due - t0) / 1000);
      perSecond.set(second, Math.max(perSecond.get(second) ?? 0, b.latency));
    }
    const slowest = [...perSecond.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
    figures.slowestSeconds = slowest.map(([second, max]) => ({ second, max_ms: round(max, 0) }));
    log(`heartbeats: slowest seconds of the load: ${slowest.map(([second, max]) => `${second} s: ${max.toFixed(0)} ms`).join(', ')}`);
    const marks = [...new Set([...sample.values()].filter((x) => x.markedAt !== undefined).map((x) => x.markedAt))].sort((a, b) => a - b);
    figures.offline.sweepGapsMs = marks.slice(1).map((m, i) => m - marks[i]);
    log(`heartbeats: offline marker sweeps that marked a sample agent, ms apart: ${figures.offline.sweepGapsMs.join(' ')}`);
    log(`heartbeats: CPU: ${cpuLabel(cpu)}; others ${others?.others ?? 'n/a'}%, irq ${others?.irq ?? 'n/a'}%`);
    const perBeat = Object.entries(figures.cpuMsPerBeat).sort((a, b) => b[1] - a[1]);
    const appsMs = perBeat.filter(([g]) => ['gateway', 'agents', 'exercises', 'postgres', 'rabbitmq'].includes(g)).reduce((a, [, v]) => a + v, 0);
    log(`heartbeats: CPU per answered beat: ${perBeat.map(([g, v]) => `${g} ${v} ms`).join(', ')}; apps + Postgres + RabbitMQ ${appsMs.toFixed(2)} ms`);
    return figures;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------- clean-up

const cleanupState = { connections: [], daemons: [], agentIds: [] };

function agentQueues() {
  const queues = [];
  for (const id of cleanupState.agentIds) queues.push(`${namespace}.agent.${id}`, `${namespace}.agent.${id}.dead`);
  return queues;
}

let cleaning;
/** Cleans up once; a second caller (the signal handler and main's finally) waits for the same run. */
function cleanUp() {
  cleaning ??= cleanUpOnce();
  return cleaning;
}

async function cleanUpOnce() {
  for (const d of cleanupState.daemons) await d.close().catch(() => undefined);
  for (const c of cleanupState.connections) await c.close().catch(() => undefined);
  await stopAll();
  const extraQueues = [
    ...agentQueues(),
    ...['agents', 'exercises'].flatMap((s) => [`${namespace}.${s}.reports`, `${namespace}.${s}.reports.dead`]),
  ];
  for (const [what, step] of [
    ['drop the bench database', () => setup.dropDatabase(root, database)],
    ['delete the broker names', () => setup.deleteBrokerNames({ root, amqpUrl: AMQP_URL, namespace, services: ['gateway', 'agents', 'exercises'], extraQueues })],
  ]) {
    try {
      await step();
    } catch (e) {
      log(`clean-up: could not ${what}: ${e.message}`);
    }
  }
}

// ---------------------------------------------------------------- main

function summary({ ceiling, dispatch, heartbeats, load, error, seconds }) {
  const quorum = ceiling?.quorum;
  const valid = !error && (!ONLY.has('ceiling') || Boolean(quorum)) && (!ONLY.has('dispatch') || Boolean(dispatch?.valid)) && (!ONLY.has('heartbeats') || Boolean(heartbeats?.valid));
  const lag = heartbeats?.offline.lag;
  const targets = {
    dispatch_p50_5ms: Boolean(valid && dispatch && dispatch.latency.p50 <= TARGETS.dispatchP50Ms),
    dispatch_p99_20ms: Boolean(valid && dispatch && dispatch.latency.p99 <= TARGETS.dispatchP99Ms),
    offline_within_15_plus_5s: Boolean(valid && lag && lag.min >= 0 && lag.max <= TARGETS.offlineWithinS),
    offline_exact_1s: Boolean(valid && lag && lag.min >= 0 && lag.max <= TARGETS.offlineExactS),
  };
  const yes = (ok) => (ok ? 'met' : 'MISSED');
  const f2 = (x) => (x === null || x === undefined ? 'n/a' : x.toFixed(2));
  console.log('');
  console.log('Exercises benchmark, one measurement after the other:');
  if (load) console.log(`  machine before the run: ${load.busy_pct}% busy (${load.cores} cores), load average ${load.loadavg.join(' ')}`);
  if (ceiling) {
    for (const [mode, c] of Object.entries(ceiling)) console.log(`  ceiling, RabbitMQ one hop (${mode.padEnd(9)})   p50 ${f2(c.p50_ms)} ms  p99 ${f2(c.p99_ms)} ms  (flood ${c.flood} msg/s)`);
  }
  if (dispatch) {
    const l = dispatch.latency;
    console.log(`  dispatch: start response -> run in the daemon's hands  p50 ${f2(l.p50)} ms  p99 ${f2(l.p99)} ms  max ${f2(l.max)} ms  (n=${l.n}, ${dispatch.beforeResponse} before the response)`);
    console.log(`    target p50 <= ${TARGETS.dispatchP50Ms} ms: ${yes(targets.dispatch_p50_5ms)}; p99 <= ${TARGETS.dispatchP99Ms} ms: ${yes(targets.dispatch_p99_20ms)}` + (quorum ? `; p50 = ${f2(l.p50 / quorum.p50_ms)} x the quorum hop` : ''));
    console.log(`    from the start request: p50 ${f2(dispatch.fromRequest.p50)} ms  p99 ${f2(dispatch.fromRequest.p99)} ms; the start call: p50 ${f2(dispatch.startRtt.p50)} ms  p99 ${f2(dispatch.startRtt.p99)} ms`);
    console.log(`    server started -> client run in hands: p50 ${f2(dispatch.clientHop.p50)} ms  p99 ${f2(dispatch.clientHop.p99)} ms`);
  }
  if (heartbeats) {
    const h = heartbeats;
    console.log(
      `  heartbeats: ${h.agents} agents, ${Math.round(h.per_s)} req/s 2xx (sent ${Math.round(h.offered_per_s)}/s) over ${h.window_s.toFixed(0)} s  p50 ${f2(h.latency.p50)} ms  p99 ${f2(h.latency.p99)} ms  ` +
        `${h.non2xx} non-2xx  ${h.errors} errors`,
    );
    console.log(
      `  offline marker: (seen offline - last beat - ${dispatch?.presence.offlineAfterSeconds ?? DEFAULT_PRESENCE.offlineAfterSeconds} s) over ${h.offline.detected}/${h.offline.sample} agents: ` +
        `min ${f2(lag.min)} s  p50 ${f2(lag.p50)} s  p90 ${f2(lag.p90)} s  max ${f2(lag.max)} s  (poll ${h.offline.pollMs} ms; marked: p50 ${f2(h.offline.markLag.p50)} s, max ${f2(h.offline.markLag.max)} s)`,
    );
    console.log(`    target within +${TARGETS.offlineWithinS} s: ${yes(targets.offline_within_15_plus_5s)}; exact to ${TARGETS.offlineExactS} s: ${yes(targets.offline_exact_1s)}; ${h.flapped} other agents seen offline`);
  }
  if (!valid) console.log(`  RESULT INVALID${error ? `: ${error}` : ''}`);
  console.log(`  one run took ${seconds} s`);
  const json = {
    bench: 'exercises',
    dispatch_p50_ms: round(dispatch?.latency.p50),
    dispatch_p99_ms: round(dispatch?.latency.p99),
    hop_p50_ms: quorum?.p50_ms ?? null,
    hop_p99_ms: quorum?.p99_ms ?? null,
    heartbeats_per_s: round(heartbeats?.per_s, 0),
    heartbeat_p99_ms: round(heartbeats?.latency.p99, 1),
    offline_lag_p50_s: round(lag?.p50),
    offline_lag_max_s: round(lag?.max),
    targets,
    valid,
    dispatch_ratio_to_hop: dispatch && quorum ? round(dispatch.latency.p50 / quorum.p50_ms) : null,
    dispatch_max_ms: round(dispatch?.latency.max),
    dispatch_before_response: dispatch?.beforeResponse ?? null,
    dispatch_from_request_p50_ms: round(dispatch?.fromRequest.p50),
    client_dispatch_p50_ms: round(dispatch?.clientHop.p50),
    client_dispatch_p99_ms: round(dispatch?.clientHop.p99),
    dispatch_n: dispatch?.n ?? null,
    hop_transient_p50_ms: ceiling?.transient?.p50_ms ?? null,
    hop_durable_p50_ms: ceiling?.durable?.p50_ms ?? null,
    heartbeats_sent_per_s: round(heartbeats?.offered_per_s, 0),
    heartbeat_cpu_ms: heartbeats?.cpuMsPerBeat ?? null,
    heartbeat_p50_ms: round(heartbeats?.latency.p50, 1),
    heartbeat_non2xx: heartbeats?.non2xx ?? null,
    heartbeat_errors: heartbeats?.errors ?? null,
    offline_lag_min_s: round(lag?.min),
    offline_mark_lag_max_s: round(heartbeats?.offline.markLag.max),
    offline_detected: heartbeats ? `${heartbeats.offline.detected}/${heartbeats.offline.sample}` : null,
    other_agents_seen_offline: heartbeats?.flapped ?? null,
    agents: AGENTS,
    duration_s: DURATION,
    machine: load ?? null,
    ...(error ? { error } : {}),
  };
  console.log(JSON.stringify(json));
  return valid;
}

async function measure(result) {
  const needed = ['gateway', 'agents', 'exercises'].map((a) => `dist/apps/${a}/src/main.js`);
  setup.ensureBuilt(root, [...needed, 'dist/libs/persistence/src/index.js', 'dist/libs/messaging/src/index.js', 'dist/node_modules/@proctor/messaging/index.js'], log);
  result.load = await machineLoad();
  log(`machine: ${result.load.busy_pct}% busy over 3 s before the run (${result.load.cores} cores), load average ${result.load.loadavg.join(' ')}`);
  if (ONLY.has('ceiling')) result.ceiling = await measureCeiling();
  if (ONLY.has('dispatch') || ONLY.has('heartbeats')) {
    log(`database ${database} (roles proctor_gateway, proctor_agents, proctor_exercises)...`);
    const { provisionDatabase } = require(path.join(root, 'tools/dev/database.js'));
    const urls = await provisionDatabase(adminUrlFor(database), ['gateway', 'agents', 'exercises']);
    const apps = await startApps(urls);
    let presence = DEFAULT_PRESENCE;
    if (ONLY.has('dispatch')) {
      result.dispatch = await measureDispatch(apps, cleanupState);
      presence = { ...presence, ...result.dispatch.presence };
      await sleep(2000);
    }
    if (ONLY.has('heartbeats')) result.heartbeats = await measureHeartbeats(apps, presence);
  }
}

void runBench({ log, cleanUp, measure, summary });
