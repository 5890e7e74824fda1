#!/usr/bin/env node
// `npm run bench:rpc`: the RPC benchmark of DESIGN.md "Benchmarks". In one run, one after the
// other so that no two measurements share the CPU:
//   1. the bare RabbitMQ request/reply ceiling (../shared/bench/amqp-rpc-limit.js);
//   2. Proctor: authenticated GET /v1/agents/{id} through the gateway -> RPC -> agents -> Postgres,
//      under autocannon, the compiled apps started from dist on a throw-away database;
//   3. the same round trip on the built-in @nestjs/microservices RMQ transport (a minimal Nest
//      Fastify front with a ClientProxy, and a Nest RMQ microservice doing the same read).
// Prints a summary, then as its last line one JSON object with the figures, ratios and targets.
// Settings (environment): DURATION (s, 10), CONNECTIONS (50), WARMUP (s, 2),
//   DATABASE_URL (superuser URL; its database part is replaced, default postgres://postgres@127.0.0.1:5432),
//   AMQP_URL (amqp://guest:guest@127.0.0.1:5672), BENCH_VERBOSE=1 to echo the apps' logs,
//   BENCH_ONLY=ceiling,proctor,builtin (a subset, for profiling; the targets then read false),
//   BENCH_PROF=1 to run the apps under `node --prof` (V8 tick logs in tmp/bench-prof/, read them
//   with `node --prof-process tmp/bench-prof/gateway.v8.log`), BENCH_CPU_PROF=1 (the same under
//   `node --cpu-prof`, tmp/bench-prof/<app>.<run>.cpuprofile, written when the app stops).
// Exit code: 0 when every measurement ran and is valid (whatever the targets say), 1 otherwise.
'use strict';
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { createChildren, sleep } = require('../lib/children');
const { runBench } = require('../lib/run-bench');
const { cpuSnapshot, cpuUsage, formatCpu } = require('../lib/cpu');
const setup = require('../lib/setup');
const { round } = require('../lib/stats');
const { positive, freePort, adminUrlFor, fetchJson } = setup;

const root = path.resolve(__dirname, '../../..');
const builtinDir = path.join(__dirname, 'builtin');
const ceilingScript = path.resolve(root, '../shared/bench/amqp-rpc-limit.js');

const DURATION = positive('DURATION', 10);
const CONNECTIONS = positive('CONNECTIONS', 50);
const WARMUP = Number(process.env.WARMUP ?? 2);
const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const VERBOSE = process.env.BENCH_VERBOSE === '1';
const ONLY = new Set((process.env.BENCH_ONLY || 'ceiling,proctor,builtin').split(',').map((s) => s.trim()));
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const PROF_DIR = process.env.BENCH_PROF === '1' || CPU_PROF ? path.join(root, 'tmp/bench-prof') : undefined;
// The limiter stays on: the limit is set far above what one token sends in a minute here.
const RATE_LIMIT_PER_MINUTE = 50_000_000;
const TARGETS = { ratio: 0.3, p99Ms: 15, vsBuiltin: 1.5 };

const runId = crypto.randomBytes(4).toString('hex');
const namespace = `bench-${runId}`;
const database = `proctor_bench_${runId}`;

function log(line) {
  process.stdout.write(`bench:rpc ${line}\n`);
}

// ---------------------------------------------------------------- preparation

function ensureBuilt() {
  const needed = ['dist/apps/gateway/src/main.js', 'dist/apps/agents/src/main.js', 'dist/libs/persistence/src/index.js', 'dist/libs/messaging/src/index.js', 'dist/node_modules/@proctor/messaging/index.js'];
  setup.ensureBuilt(root, needed, log);
}

/** The built-in RMQ transport needs amqp-connection-manager, which the repo does not depend on. */
function ensureBuiltinDeps() {
  if (fs.existsSync(path.join(builtinDir, 'node_modules/amqp-connection-manager/package.json'))) return;
  log('installing amqp-connection-manager for the built-in transport (tools/bench/rpc/builtin, npm ci)...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(npm, ['ci', '--legacy-peer-deps', '--no-audit', '--no-fund'], { cwd: builtinDir, stdio: 'inherit' });
  if (install.status !== 0) throw new Error('could not install tools/bench/rpc/builtin dependencies');
}

// ---------------------------------------------------------------- child processes

const { startChild, describeFailure, waitReadyz, waitReadyLine, stopChild, stopAll } = createChildren({ root, verbose: VERBOSE, profDir: PROF_DIR });

/** How a measured app is started: under `--prof` (BENCH_PROF) or `--cpu-prof` (BENCH_CPU_PROF). */
function profiled(name) {
  if (!CPU_PROF) return { profile: true };
  fs.mkdirSync(PROF_DIR, { recursive: true });
  return { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`, `--cpu-prof-name=${name}.${runId}.cpuprofile`] };
}

// ---------------------------------------------------------------- load

async function load(label, url, headers, named) {
  const autocannon = require(require.resolve('autocannon', { paths: [root] }));
  if (WARMUP > 0) {
    log(`${label}: warm-up ${WARMUP} s at ${CONNECTIONS} connections...`);
    await autocannon({ url, headers, connections: CONNECTIONS, duration: WARMUP });
  }
  log(`${label}: measuring ${DURATION} s at ${CONNECTIONS} connections...`);
  const before = cpuSnapshot(named);
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION });
  const cpu = cpuUsage(before, cpuSnapshot(named));
  const figures = {
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpu,
  };
  figures.valid = figures.non2xx === 0 && figures.errors === 0 && figures.timeouts === 0 && figures.requests > 0;
  log(
    `${label}: ${figures.rps} req/s, p50 ${figures.p50_ms} ms, p99 ${figures.p99_ms} ms, ${figures.requests} requests, ` +
      `${figures.non2xx} non-2xx, ${figures.errors} errors, ${figures.timeouts} timeouts${figures.valid ? '' : '  => INVALID'}`,
  );
  log(`${label}: CPU during the measurement: ${formatCpu(cpu)}`);
  return figures;
}

// ---------------------------------------------------------------- the three measurements

async function measureCeiling() {
  log(`ceiling: node ../shared/bench/amqp-rpc-limit.js (C=${CONNECTIONS}, SECS=${DURATION})...`);
  if (!fs.existsSync(ceilingScript)) throw new Error(`${ceilingScript} not found`);
  const child = startChild('amqp-rpc-limit', [ceilingScript], { C: String(CONNECTIONS), SECS: String(DURATION), AMQP_URL });
  let line;
  child.onLine((l) => {
    if (l.startsWith('amqp rpc:')) line = l;
  });
  const code = await child.exited;
  const m = line && /amqp rpc: (\d+) calls\/s with (\d+) in flight, latency ms p50 ([\d.]+) p99 ([\d.]+)/.exec(line);
  if (code !== 0 || !m) throw describeFailure(child, `failed (exit ${code}) or printed no result line`);
  log(`ceiling: ${line}`);
  return { rps: Number(m[1]), p50_ms: Number(m[3]), p99_ms: Number(m[4]) };
}

async function measureProctor(urls, measure = true) {
  const common = { AMQP_URL, PROCTOR_NAMESPACE: namespace, LOG_LEVEL: 'warn' };
  const agentsPort = await freePort();
  const agents = startChild('agents', [path.join(root, 'dist/apps/agents/src/main.js')], { ...common, PORT: String(agentsPort), DATABASE_URL: urls.agents }, profiled('agents'));
  await waitReadyz(agents, agentsPort);
  const gatewayPort = await freePort();
  const password = crypto.randomBytes(12).toString('hex');
  const gateway = startChild('gateway', [path.join(root, 'dist/apps/gateway/src/main.js')], {
    ...common,
    PORT: String(gatewayPort),
    DATABASE_URL: urls.gateway,
    JWT_SECRET: crypto.randomBytes(24).toString('hex'),
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: password,
    RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
  }, profiled('gateway'));
  await waitReadyz(gateway, gatewayPort);
  const base = `http://127.0.0.1:${gatewayPort}`;
  const { access_token: token } = await fetchJson(`${base}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  if (!token) throw new Error('POST /v1/auth/token gave no access_token');
  const authorization = `Bearer ${token}`;
  const created = await fetchJson(
    `${base}/v1/agents`,
    { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ name: `bench-agent-${runId}`, labels: { site: 'bench' } }) },
    201,
  );
  const view = await fetchJson(`${base}/v1/agents/${created.id}`, { headers: { authorization } });
  log(`proctor: gateway :${gatewayPort}, agents :${agentsPort}, namespace ${namespace}; agent ${created.id} created`);
  log(`proctor: rate limiter on, RATE_LIMIT_PER_MINUTE=${RATE_LIMIT_PER_MINUTE} (above the load); a JWT is verified on every request`);
  const figures = measure ? await load('proctor', `${base}/v1/agents/${created.id}`, { authorization }, [gateway, agents]) : undefined;
  await stopChild(gateway);
  await stopChild(agents);
  return { figures, agentId: created.id, view };
}

async function measureBuiltin(urls, agentId, proctorView) {
  const env = {
    AMQP_URL,
    BUILTIN_QUEUE: builtinQueue(),
    NODE_PATH: [path.join(builtinDir, 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(path.delimiter),
  };
  const service = startChild('builtin-service', [path.join(builtinDir, 'agents-microservice.js')], { ...env, DATABASE_URL: urls.agents }, profiled('builtin-service'));
  await waitReadyLine(service);
  const port = await freePort();
  const front = startChild('builtin-front', [path.join(builtinDir, 'http-front.js')], { ...env, PORT: String(port) }, profiled('builtin-front'));
  await waitReadyLine(front);
  const url = `http://127.0.0.1:${port}/agents/${agentId}`;
  const view = await fetchJson(url);
  if (JSON.stringify(view) !== JSON.stringify(proctorView)) {
    throw new Error(`the built-in path answers another body than Proctor's:\n  ${JSON.stringify(view)}\n  ${JSON.stringify(proctorView)}`);
  }
  log(`builtin: front :${port}, queue ${env.BUILTIN_QUEUE} (noAck false, prefetch 50, TCP no-delay on both ends); same JSON body as Proctor`);
  const figures = await load('builtin', url, {}, [front, service]);
  await stopChild(front);
  await stopChild(service);
  return figures;
}

function builtinQueue() {
  return `${namespace}.builtin.agents.rpc`;
}

// ---------------------------------------------------------------- clean-up

function dropDatabase() {
  return setup.dropDatabase(root, database);
}

/** Deletes every queue and exchange this run may have declared under its namespace. */
function deleteBrokerNames() {
  return setup.deleteBrokerNames({ root, amqpUrl: AMQP_URL, namespace, services: ['gateway', 'agents'], extraQueues: [builtinQueue()] });
}

let cleaned = false;
async function cleanUp() {
  if (cleaned) return;
  cleaned = true;
  await stopAll();
  for (const [what, step] of [
    ['drop the bench database', dropDatabase],
    ['delete the broker names', deleteBrokerNames],
  ]) {
    try {
      await step();
    } catch (e) {
      log(`clean-up: could not ${what}: ${e.message}`);
    }
  }
}

// ---------------------------------------------------------------- main


function summary({ ceiling, proctor, builtin, error, seconds }) {
  const ratio = ceiling && proctor ? round(proctor.rps / ceiling.rps) : null;
  const vsBuiltin = builtin && proctor ? round(proctor.rps / builtin.rps) : null;
  const valid =
    !error &&
    (!ONLY.has('ceiling') || Boolean(ceiling)) &&
    (!ONLY.has('proctor') || Boolean(proctor?.valid)) &&
    (!ONLY.has('builtin') || Boolean(builtin?.valid));
  const targets = {
    ratio_0_3: ratio !== null && valid ? ratio >= TARGETS.ratio : false,
    p99_15ms: proctor && valid ? proctor.p99_ms <= TARGETS.p99Ms : false,
    vs_builtin_1_5: vsBuiltin !== null && valid ? vsBuiltin >= TARGETS.vsBuiltin : false,
  };
  const yes = (ok) => (ok ? 'met' : 'MISSED');
  console.log('');
  console.log(`RPC benchmark, ${CONNECTIONS} connections, ${DURATION} s each (after a ${WARMUP} s warm-up), one after the other:`);
  if (ceiling) console.log(`  bare AMQP request/reply ceiling   ${String(ceiling.rps).padStart(6)} calls/s  p50 ${ceiling.p50_ms} ms  p99 ${ceiling.p99_ms} ms`);
  if (proctor)
    console.log(`  Proctor  GET /v1/agents/{id}      ${String(proctor.rps).padStart(6)} req/s    p50 ${proctor.p50_ms} ms  p99 ${proctor.p99_ms} ms  (JWT + rate limit + validation on)`);
  if (builtin) console.log(`  built-in RMQ transport, same read ${String(builtin.rps).padStart(6)} req/s    p50 ${builtin.p50_ms} ms  p99 ${builtin.p99_ms} ms  (no auth)`);
  if (ratio !== null) console.log(`  Proctor / ceiling   ${ratio}  (target >= ${TARGETS.ratio}: ${yes(targets.ratio_0_3)})`);
  if (proctor) console.log(`  Proctor p99         ${proctor.p99_ms} ms  (target <= ${TARGETS.p99Ms} ms: ${yes(targets.p99_15ms)})`);
  if (vsBuiltin !== null) console.log(`  Proctor / built-in  ${vsBuiltin}  (target >= ${TARGETS.vsBuiltin}: ${yes(targets.vs_builtin_1_5)})`);
  if (!valid) console.log(`  RESULT INVALID${error ? `: ${error}` : ' (non-2xx answers, errors or timeouts under load)'}`);
  console.log(`  one run took ${seconds} s`);
  if (PROF_DIR) console.log(CPU_PROF ? `  CPU profiles: ${PROF_DIR}/<app>.${runId}.cpuprofile` : `  V8 tick logs: ${PROF_DIR}/<app>.v8.log (node --prof-process <file>)`);
  const json = {
    bench: 'rpc',
    rps: proctor?.rps ?? null,
    p50_ms: proctor?.p50_ms ?? null,
    p99_ms: proctor?.p99_ms ?? null,
    ceiling_rps: ceiling?.rps ?? null,
    ratio,
    builtin_rps: builtin?.rps ?? null,
    vs_builtin: vsBuiltin,
    targets,
    valid,
    builtin_p50_ms: builtin?.p50_ms ?? null,
    builtin_p99_ms: builtin?.p99_ms ?? null,
    ceiling_p50_ms: ceiling?.p50_ms ?? null,
    ceiling_p99_ms: ceiling?.p99_ms ?? null,
    non2xx: proctor?.non2xx ?? null,
    connections: CONNECTIONS,
    duration_s: DURATION,
    ...(error ? { error } : {}),
  };
  console.log(JSON.stringify(json));
  return valid;
}

async function measure(result) {
  ensureBuilt();
  if (ONLY.has('ceiling')) result.ceiling = await measureCeiling();
  if (ONLY.has('proctor') || ONLY.has('builtin')) {
    log(`database ${database} (roles proctor_gateway, proctor_agents)...`);
    const { provisionDatabase } = require(path.join(root, 'tools/dev/database.js'));
    const urls = await provisionDatabase(adminUrlFor(database), ['gateway', 'agents']);
    // Proctor's gateway and agents also create the agent the built-in path reads.
    const proctor = await measureProctor(urls, ONLY.has('proctor'));
    result.proctor = proctor.figures;
    if (ONLY.has('builtin')) {
      ensureBuiltinDeps();
      result.builtin = await measureBuiltin(urls, proctor.agentId, proctor.view);
    }
  }
}

void runBench({ log, cleanUp, measure, summary });
