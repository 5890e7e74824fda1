#!/usr/bin/env node
// `npm run bench:fleet`: the fleet benchmark of issue 5, item 9 (DESIGN.md "Benchmarks"). In one
// run, one after the other so that no two measurements share the CPU:
//   1. the raw ceilings: batched inserts into Postgres (../shared/bench/pg-limit.js) and bare
//      node:http under autocannon (../shared/bench/http-limit.js);
//   2. sustained heartbeat ingest: POST /api/v1/devices/{id}/heartbeat through the compiled gateway
//      (X-API-Key of each device, 202 after the broker's confirm) -> RabbitMQ -> fleet (batches) ->
//      fleet.device_heartbeats, for DURATION seconds; then the rows are counted against the 202s;
//   3. the device list over 100,000 devices: GET /v1/devices with filters, limit 50, admin key.
// Prints a summary, then as its last line one JSON object with the figures, ceilings, ratios and targets.
// Settings (environment): DURATION (s, 60), CONNECTIONS (64), WARMUP (s, 3), DEVICES (1000),
//   LIST_DEVICES (100000), LIST_DURATION (s, 10), LIST_CONNECTIONS (10), CEILING_DURATION (s, 10),
//   RATE (heartbeats/s in all; unset: as fast as they are answered) to compare CPU per heartbeat unsaturated
//   (autocannon sends a second's quota in a burst: latencies under RATE are not those of a steady stream),
//   DATABASE_URL (superuser URL; its database part is replaced, default postgres://postgres@127.0.0.1:5432),
//   AMQP_URL (amqp://guest:guest@127.0.0.1:5672), BENCH_VERBOSE=1 to echo the apps' logs,
//   BENCH_ONLY=ceilings,ingest,list (a subset; the missing figures read null, their targets false),
//   BENCH_PROF=1 (gateway and fleet under `node --prof`, tick logs in tmp/bench-prof/<app>.v8.log),
//   BENCH_CPU_PROF=1 (gateway and fleet under `node --cpu-prof`, .cpuprofile files in tmp/bench-prof/).
// Exit code: 0 when every measurement ran and is valid (whatever the targets say), 1 otherwise.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { createChildren, sleep } = require('../lib/children');
const { runBench } = require('../lib/run-bench');
const { cpuSnapshot, cpuUsage, cpuOthers, formatCpu, machineLoad, cpuPerRequest, formatPerRequest } = require('../lib/cpu');
const setup = require('../lib/setup');
const { round, int } = require('../lib/stats');
const { positive, freePort, adminUrlFor, fetchJson } = setup;

const root = path.resolve(__dirname, '../../..');
const pgCeilingScript = path.resolve(root, '../shared/bench/pg-limit.js');
const httpCeilingScript = path.resolve(root, '../shared/bench/http-limit.js');

const DURATION = positive('DURATION', 60);
const CONNECTIONS = positive('CONNECTIONS', 64);
const WARMUP = Number(process.env.WARMUP ?? 3);
const DEVICES = positive('DEVICES', 1000);
const LIST_DEVICES = positive('LIST_DEVICES', 100_000);
const LIST_DURATION = positive('LIST_DURATION', 10);
const LIST_CONNECTIONS = positive('LIST_CONNECTIONS', 10);
const CEILING_DURATION = positive('CEILING_DURATION', 10);
// Diagnostics: heartbeats at a fixed overall rate rather than as fast as they are answered (CPU per heartbeat without saturation).
const RATE = process.env.RATE ? positive('RATE', undefined) : undefined;
const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const VERBOSE = process.env.BENCH_VERBOSE === '1';
const ONLY = new Set((process.env.BENCH_ONLY || 'ceilings,ingest,list').split(',').map((s) => s.trim()));
const PROF_DIR = process.env.BENCH_PROF === '1' || process.env.BENCH_CPU_PROF === '1' ? path.join(root, 'tmp/bench-prof') : undefined;
// The limiters stay on: both limits are set far above what one device or the admin key sends in a minute here.
const RATE_LIMIT_PER_MINUTE = 50_000_000;
const DEVICE_RATE_LIMIT_PER_MINUTE = 50_000_000;
// No device goes offline during the run: the fleet's first sweep waits one threshold after its start.
const OFFLINE_AFTER_SECONDS = 3600;
const DRAIN_TIMEOUT_MS = 180_000;
const TARGETS = { heartbeatsPerS: 10_000, p99Ms: 50, lost: 0, listP99Ms: 20 };

const runId = crypto.randomBytes(4).toString('hex');
const namespace = `bench-${runId}`;
const database = `proctor_bench_${runId}`;
const fleetKey = `fleet-${crypto.randomBytes(16).toString('hex')}`;
const adminKey = `admin-${crypto.randomBytes(16).toString('hex')}`;

function log(line) {
  process.stdout.write(`bench:fleet ${line}\n`);
}

const { startChild, waitReadyz, runCeiling, stopChild, stopAll } = createChildren({ root, verbose: VERBOSE, profDir: PROF_DIR });
const autocannon = require(require.resolve('autocannon', { paths: [root] }));
const { Client: PgClient } = require(require.resolve('pg', { paths: [root] }));

// ---------------------------------------------------------------- ceilings

async function measureCeilings() {
  log(`ceiling: node ../shared/bench/pg-limit.js (on the bench database, public schema)...`);
  const pg = await runCeiling('pg-limit', pgCeilingScript, { DATABASE_URL: adminUrlFor(database), N: undefined, C: undefined }, /batched insert: (\d+) rows\/s/);
  for (const l of pg.lines) log(`ceiling:   ${l}`);
  log(`ceiling: node ../shared/bench/http-limit.js (CONNECTIONS=${CONNECTIONS}, DURATION=${CEILING_DURATION})...`);
  const http = await runCeiling(
    'http-limit',
    httpCeilingScript,
    { CONNECTIONS: String(CONNECTIONS), DURATION: String(CEILING_DURATION) },
    /node:http: (\d+) req\/s, latency ms p50 ([\d.]+) p99 ([\d.]+)/,
  );
  for (const l of http.lines) log(`ceiling:   ${l}`);
  return {
    batchedInsertRowsS: Number(pg.match[1]),
    pgLines: pg.lines,
    httpRps: Number(http.match[1]),
    httpP50: Number(http.match[2]),
    httpP99: Number(http.match[3]),
  };
}

// ---------------------------------------------------------------- the apps

async function startApps(urls) {
  const common = { AMQP_URL, PROCTOR_NAMESPACE: namespace, LOG_LEVEL: 'warn' };
  const profile = process.env.BENCH_PROF === '1';
  const nodeArgs = (name) => (process.env.BENCH_CPU_PROF === '1' ? ['--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`, `--cpu-prof-name=${name}.${runId}.cpuprofile`] : []);
  if (process.env.BENCH_CPU_PROF === '1') fs.mkdirSync(PROF_DIR, { recursive: true });
  const fleetPort = await freePort();
  const fleet = startChild(
    'fleet',
    [path.join(root, 'dist/apps/fleet/src/main.js')],
    { ...common, PORT: String(fleetPort), DATABASE_URL: urls.fleet, FLEET_OFFLINE_AFTER_SECONDS: String(OFFLINE_AFTER_SECONDS) },
    { profile, nodeArgs: nodeArgs('fleet') },
  );
  await waitReadyz(fleet, fleetPort);
  const gatewayPort = await freePort();
  const gateway = startChild(
    'gateway',
    [path.join(root, 'dist/apps/gateway/src/main.js')],
    {
      ...common,
      PORT: String(gatewayPort),
      DATABASE_URL: urls.gateway,
      JWT_SECRET: crypto.randomBytes(24).toString('hex'),
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: crypto.randomBytes(12).toString('hex'),
      FLEET_API_KEY: fleetKey,
      FLEET_ADMIN_API_KEY: adminKey,
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
      DEVICE_RATE_LIMIT_PER_MINUTE: String(DEVICE_RATE_LIMIT_PER_MINUTE),
    },
    { profile, nodeArgs: nodeArgs('gateway') },
  );
  await waitReadyz(gateway, gatewayPort);
  log(`apps: gateway :${gatewayPort}, fleet :${fleetPort}, namespace ${namespace}, LOG_LEVEL=warn`);
  log(
    `apps: rate limiters on, above the load: DEVICE_RATE_LIMIT_PER_MINUTE=${DEVICE_RATE_LIMIT_PER_MINUTE} (device keys), ` +
      `RATE_LIMIT_PER_MINUTE=${RATE_LIMIT_PER_MINUTE} (admin key); FLEET_OFFLINE_AFTER_SECONDS=${OFFLINE_AFTER_SECONDS} (no offline sweep during the run)`,
  );
  return { gateway, fleet, base: `http://127.0.0.1:${gatewayPort}`, fleetMetrics: `http://127.0.0.1:${fleetPort}/metrics` };
}

// ---------------------------------------------------------------- heartbeats

const ROLES = ['camera-dual', 'camera-single', 'sensor-env', 'gateway-lte', 'display-kiosk'];

async function registerDevices(base) {
  const devices = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < DEVICES) {
        const i = next++;
        const deviceId = `bench-${runId}-${String(i).padStart(5, '0')}`;
        const view = await fetchJson(`${base}/api/v1/devices/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': fleetKey },
          body: JSON.stringify({
            device_id: deviceId,
            hostname: `${deviceId}.local`,
            role: ROLES[i % ROLES.length],
            segment: i % 20 === 0 ? 'canary' : i % 5 === 0 ? 'beta' : 'stable',
            branch: 'main',
            ip_address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          }),
        });
        if (typeof view.device_key !== 'string') throw new Error(`registering ${deviceId} issued no device_key`);
        devices[i] = { deviceId, key: view.device_key };
      }
    }),
  );
  log(`ingest: ${DEVICES} devices registered with the fleet key in ${((Date.now() - started) / 1000).toFixed(1)} s, each with its own device key`);
  return devices;
}

function heartbeatBody(i) {
  return JSON.stringify({
    status: i % 10 === 0 ? 'degraded' : 'healthy',
    cpu_percent: 5 + (i % 90),
    memory_percent: 20 + (i % 70),
    disk_percent: 30 + (i % 60),
    temperature: 40 + (i % 30) + 0.5,
    containers_running: 3,
    containers_failed: i % 50 === 0 ? 1 : 0,
    current_commit_hash: 'a1b2c3d4',
  });
}

/**
 * Drives heartbeats for `seconds` and stops gracefully: at the deadline every connection sends no
 * new request, and the run ends once each has its last answer. So every heartbeat sent is answered
 * and counted (autocannon's own duration would cut the requests in flight, which the gateway may
 * still accept: rows without a 202 the bench saw).
 */
function driveHeartbeats(base, devices, seconds, named) {
  const status = new Map();
  const ids = [];
  let first = 0;
  let last = 0;
  const onResponse = (code, body) => {
    last = performance.now();
    status.set(code, (status.get(code) ?? 0) + 1);
    if (code === 202) {
      // {"status":"accepted","heartbeat_id":"<uuid>"}: the id, for the exact count of rows below.
      const at = body.indexOf('"heartbeat_id":"');
      if (at >= 0) ids.push(body.slice(at + 16, at + 52));
    }
  };
  const requests = devices.map((d, i) => ({
    method: 'POST',
    path: `/api/v1/devices/${d.deviceId}/heartbeat`,
    headers: { 'content-type': 'application/json', 'x-api-key': d.key },
    body: heartbeatBody(i),
    onResponse,
  }));
  const clients = [];
  let clientNo = 0;
  return new Promise((resolve, reject) => {
    let cpuBefore;
    let cpuAfter;
    const instance = autocannon(
      {
        url: base,
        connections: CONNECTIONS,
        // A cap only: the run is stopped gracefully at `seconds` (below).
        duration: seconds + 60,
        // autocannon sends each connection's quota of a second in a burst at the start of the second:
        // under RATE the latencies are those of bursts, the CPU per heartbeat is what to read.
        ...(RATE ? { overallRate: RATE } : {}),
        requests,
        setupClient: (client) => {
          clients.push(client);
          // Connections start at different devices (autocannon shares one request list among them).
          const offset = Math.floor((clientNo++ * requests.length) / CONNECTIONS) % requests.length;
          if (client.requestIterator && offset > 0) {
            client.requestIterator.currentRequestIndex = offset;
            client.requestIterator.currentRequest = client.requestIterator.requests[offset];
          }
        },
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({ result, status, ids, seconds: (last - first) / 1000, cpu: cpuBefore && cpuAfter ? cpuUsage(cpuBefore, cpuAfter) : {}, others: cpuBefore && cpuAfter ? cpuOthers(cpuBefore, cpuAfter) : undefined });
      },
    );
    instance.on('start', () => {
      first = performance.now();
      cpuBefore = cpuSnapshot(named);
      setTimeout(() => {
        cpuAfter = cpuSnapshot(named);
        // No new request from here on: each connection closes after the answer to the one in flight.
        for (const client of clients) client.responseMax = Math.max(1, client.reqsMade);
      }, seconds * 1000);
    });
  });
}

/**
 * The Prometheus histogram sums that tell how heartbeats were batched, as `name` -> value: the
 * fleet service's batches and the gateway's heartbeats per broker message.
 */
async function scrapeBatching(apps) {
  const values = new Map();
  try {
    const text = (await Promise.all([apps.fleetMetrics, `${apps.base}/metrics`].map(async (url) => (await fetch(url)).text()))).join('\n');
    for (const line of text.split('\n')) {
      const m = /^(proctor_batch_size|proctor_batch_flush_duration_seconds|fleet_heartbeat_ingest_latency_seconds|proctor_gateway_heartbeat_batch_size)_(sum|count)(\{[^}]*\})? ([\d.e+-]+)$/.exec(line);
      if (!m) continue;
      const labels = m[3] ?? '';
      // The batch consumer's figures of the heartbeat queue only, flushes that succeeded only.
      if (m[1].startsWith('proctor_batch') && !/queue="[^"]*\.heartbeats"/.test(labels)) continue;
      if (labels.includes('outcome=') && !labels.includes('outcome="ok"')) continue;
      values.set(`${m[1]}_${m[2]}`, Number(m[4]));
    }
  } catch {
    // no figures then
  }
  return values;
}

/**
 * Batches the fleet service wrote between two scrapes: how many, their mean size in heartbeats and
 * in broker messages, flush time and the mean 202-to-commit time; and the gateway's mean heartbeats
 * per broker message.
 */
function batchStats(before, after) {
  const d = (name) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const batches = d('proctor_batch_size_count');
  const flushes = d('proctor_batch_flush_duration_seconds_count');
  const written = d('fleet_heartbeat_ingest_latency_seconds_count');
  const published = d('proctor_gateway_heartbeat_batch_size_count');
  return {
    batches,
    mean_batch: batches > 0 ? round(written / batches, 1) : null,
    mean_messages_per_batch: batches > 0 ? round(d('proctor_batch_size_sum') / batches, 1) : null,
    gateway_heartbeats_per_message: published > 0 ? round(d('proctor_gateway_heartbeat_batch_size_sum') / published, 1) : null,
    mean_flush_ms: flushes > 0 ? round((1000 * d('proctor_batch_flush_duration_seconds_sum')) / flushes, 1) : null,
    mean_accept_to_commit_ms: written > 0 ? round((1000 * d('fleet_heartbeat_ingest_latency_seconds_sum')) / written, 1) : null,
  };
}

async function countRows(pg) {
  const { rows } = await pg.query('SELECT count(*)::bigint AS n FROM fleet.device_heartbeats');
  return Number(rows[0].n);
}

async function queueDepth(channelHolder, queue) {
  try {
    const { messageCount, consumerCount } = await channelHolder.channel.checkQueue(queue);
    return { messageCount, consumerCount };
  } catch (e) {
    // A failed check closes the channel: open another for the next one.
    channelHolder.channel = await channelHolder.conn.createChannel();
    channelHolder.channel.on('error', () => undefined);
    return { messageCount: undefined, consumerCount: undefined, error: e.message };
  }
}

/** Waits until the fleet service wrote every accepted heartbeat, or until nothing moves for 5 s with an empty queue. */
async function waitDrained(pg, broker, accepted) {
  const started = Date.now();
  let rows = await countRows(pg);
  let lastChange = Date.now();
  while (Date.now() - started < DRAIN_TIMEOUT_MS) {
    if (rows >= accepted) {
      // Anything more would be a row without a 202: give it a moment to show.
      await sleep(1000);
      rows = await countRows(pg);
      break;
    }
    await sleep(250);
    const now = await countRows(pg);
    if (now !== rows) {
      rows = now;
      lastChange = Date.now();
      continue;
    }
    const { messageCount } = await queueDepth(broker, broker.queue);
    if (messageCount === 0 && Date.now() - lastChange > 5000) break;
  }
  return { rows, seconds: (Date.now() - started) / 1000 };
}

/** Of the heartbeat ids answered 202, how many are not in the table: the exact number lost. */
async function missingIds(pg, ids) {
  await pg.query('CREATE TEMP TABLE bench_accepted (heartbeat_id uuid) ON COMMIT PRESERVE ROWS');
  for (let i = 0; i < ids.length; i += 50_000) {
    await pg.query('INSERT INTO bench_accepted SELECT unnest($1::uuid[])', [ids.slice(i, i + 50_000)]);
  }
  const { rows } = await pg.query(
    `SELECT count(*)::bigint AS missing,
            (SELECT count(*) FROM (SELECT heartbeat_id FROM bench_accepted GROUP BY heartbeat_id HAVING count(*) > 1) d)::bigint AS repeated
       FROM bench_accepted a LEFT JOIN fleet.device_heartbeats h USING (heartbeat_id) WHERE h.heartbeat_id IS NULL`,
  );
  await pg.query('DROP TABLE bench_accepted');
  return { missing: Number(rows[0].missing), repeated: Number(rows[0].repeated) };
}

/** The CPU the run's own processes are not charged with, in % of one core. */
function restOfMachine(figures) {
  return `kernel interrupts ${figures.irq_pct ?? '?'}%, other processes (not this run's) ${figures.others_pct ?? '?'}%`;
}

function statusText(status) {
  return [...status].sort((a, b) => a[0] - b[0]).map(([code, n]) => `${code}: ${int(n)}`).join(', ');
}

async function measureIngest(apps, pg) {
  const amqp = require(require.resolve('amqplib', { paths: [root] }));
  const { BrokerNames } = require(path.join(root, 'dist/libs/messaging/src/topology/broker-names.js'));
  const names = new BrokerNames(namespace);
  const conn = await amqp.connect(AMQP_URL);
  conn.on('error', () => undefined);
  const broker = { conn, channel: await conn.createChannel(), queue: names.serviceQueue('fleet', 'heartbeats') };
  broker.channel.on('error', () => undefined);
  try {
    const devices = await registerDevices(apps.base);
    const named = [apps.gateway, apps.fleet];
    let warm = { status: new Map(), ids: [] };
    if (WARMUP > 0) {
      log(`ingest: warm-up ${WARMUP} s at ${CONNECTIONS} connections...`);
      warm = await driveHeartbeats(apps.base, devices, WARMUP, named);
      const warmAccepted = warm.status.get(202) ?? 0;
      const drained = await waitDrained(pg, broker, warmAccepted);
      log(`ingest: warm-up: ${int(warmAccepted)} accepted, ${int(drained.rows)} rows (${statusText(warm.status)})`);
    }
    log(
      `ingest: measuring ${DURATION} s at ${CONNECTIONS} connections${RATE ? `, at most ${RATE} heartbeats/s (RATE)` : ''}, ${DEVICES} devices, ` +
        `each request with its device's own key and path...`,
    );
    const scrapedBefore = await scrapeBatching(apps);
    const run = await driveHeartbeats(apps.base, devices, DURATION, named);
    const stoppedAt = Date.now();
    const accepted202 = run.status.get(202) ?? 0;
    const acceptedTotal = accepted202 + (warm.status.get(202) ?? 0);
    const rowsAtStop = await countRows(pg);
    const depthAtStop = await queueDepth(broker, broker.queue);
    const drained = await waitDrained(pg, broker, acceptedTotal);
    const drainSeconds = (Date.now() - stoppedAt) / 1000;
    const batches = batchStats(scrapedBefore, await scrapeBatching(apps));
    const exact = await missingIds(pg, [...warm.ids, ...run.ids]);
    const dead = await queueDepth(broker, names.deadQueue(broker.queue));
    const r = run.result;
    const non202 = [...run.status].filter(([code]) => code !== 202).reduce((a, [, n]) => a + n, 0);
    const figures = {
      heartbeats_per_s: Math.round(accepted202 / run.seconds),
      seconds: round(run.seconds, 1),
      p50_ms: r.latency.p50,
      p90_ms: r.latency.p90,
      p99_ms: r.latency.p99,
      max_ms: r.latency.max,
      accepted_measured: accepted202,
      accepted: acceptedTotal,
      rows: drained.rows,
      lost: acceptedTotal - drained.rows,
      duplicates: Math.max(0, drained.rows - acceptedTotal),
      missing_ids: exact.missing,
      repeated_ids: exact.repeated,
      ids_seen: warm.ids.length + run.ids.length,
      non202,
      status: Object.fromEntries(run.status),
      errors: r.errors,
      timeouts: r.timeouts,
      backlog_at_stop: acceptedTotal - rowsAtStop,
      queue_ready_at_stop: depthAtStop.messageCount ?? null,
      drain_s: round(drainSeconds, 1),
      dead_lettered: dead.messageCount ?? null,
      batches,
      cpu: run.cpu,
      irq_pct: run.others?.irq ?? null,
      others_pct: run.others?.others ?? null,
    };
    figures.cpu_ms_per_heartbeat = cpuPerRequest(figures.cpu, figures.irq_pct, accepted202 / run.seconds);
    figures.valid = figures.errors === 0 && figures.timeouts === 0 && accepted202 > 0 && figures.ids_seen === acceptedTotal;
    log(
      `ingest: ${int(figures.heartbeats_per_s)} heartbeats/s (202s / ${figures.seconds} s), p50 ${figures.p50_ms} ms, p90 ${figures.p90_ms} ms, ` +
        `p99 ${figures.p99_ms} ms, max ${figures.max_ms} ms; answers ${statusText(run.status)}; ${figures.errors} errors, ${figures.timeouts} timeouts`,
    );
    log(
      `ingest: when the load stopped the fleet service was ${int(figures.backlog_at_stop)} heartbeats behind (${figures.queue_ready_at_stop ?? '?'} ready in the queue); ` +
        `all written ${figures.drain_s} s later`,
    );
    log(
      `ingest: the gateway published ${batches.gateway_heartbeats_per_message ?? '?'} heartbeats a broker message on average; ` +
        `fleet wrote ${int(batches.batches)} batches, ${batches.mean_batch ?? '?'} heartbeats (${batches.mean_messages_per_batch ?? '?'} messages) each on average, ${batches.mean_flush_ms ?? '?'} ms a flush; ` +
        `${batches.mean_accept_to_commit_ms ?? '?'} ms on average from the gateway's stamp to the commit`,
    );
    log(
      `ingest: 202s (warm-up included) ${int(acceptedTotal)}, rows ${int(drained.rows)}: lost ${figures.lost}, rows without a 202 ${figures.duplicates}; ` +
        `by id: ${figures.missing_ids} of the ${int(figures.ids_seen)} accepted ids missing, ${figures.repeated_ids} ids answered twice; dead-lettered ${figures.dead_lettered ?? '?'}`,
    );
    log(`ingest: CPU during the measurement: ${formatCpu(figures.cpu)}; ${restOfMachine(figures)}`);
    log(`ingest: CPU per heartbeat: ${formatPerRequest(figures.cpu_ms_per_heartbeat)}`);
    if (!figures.valid) log('ingest: INVALID (errors, timeouts, no 202 at all, or an answer whose id could not be read)');
    return figures;
  } finally {
    await conn.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------- the device list

/** 100,000 devices straight into fleet.devices (superuser, batches of 10,000), spread as a real fleet is, then ANALYZE. */
async function seedDevices(pg) {
  const started = Date.now();
  await pg.query('SELECT setseed(0.42)');
  const batch = 10_000;
  for (let from = 1; from <= LIST_DEVICES; from += batch) {
    const to = Math.min(LIST_DEVICES, from + batch - 1);
    await pg.query(
      `INSERT INTO fleet.devices (device_id, hostname, role, branch, segment, status, ip_address, last_seen, current_commit_hash,
                                  maintenance_mode, update_enabled, created_at, updated_at)
       SELECT id, id || '.local',
              CASE WHEN r1 < 0.30 THEN 'camera-dual' WHEN r1 < 0.50 THEN 'camera-single' WHEN r1 < 0.70 THEN 'sensor-env'
                   WHEN r1 < 0.85 THEN 'gateway-lte' WHEN r1 < 0.95 THEN 'display-kiosk' ELSE 'door-controller' END,
              CASE WHEN r4 < 0.85 THEN 'main' WHEN r4 < 0.95 THEN 'develop' ELSE 'release-' || (g % 4) END,
              CASE WHEN r3 < 0.80 THEN 'stable' WHEN r3 < 0.95 THEN 'beta' ELSE 'canary' END,
              status,
              '10.' || (g / 65536) % 256 || '.' || (g / 256) % 256 || '.' || g % 256,
              CASE WHEN status <> 'offline' THEN now() - r6 * interval '60 seconds'
                   WHEN r6 < 0.05 THEN NULL
                   ELSE now() - interval '1 hour' - r6 * interval '30 days' END,
              substr(md5((g % 7)::text), 1, 8),
              r5 < 0.03, r5 < 0.97, created, created
         FROM (SELECT g, 'fleet-' || lpad(g::text, 6, '0') AS id, random() AS r1, random() AS r3, random() AS r4, random() AS r5, random() AS r6,
                      CASE WHEN r2 < 0.70 THEN 'healthy' WHEN r2 < 0.80 THEN 'degraded' WHEN r2 < 0.85 THEN 'failed' ELSE 'offline' END AS status,
                      now() - r7 * interval '365 days' AS created
                 FROM (SELECT g, random() AS r2, random() AS r7 FROM generate_series($1::int, $2::int) g) s) t`,
      [from, to],
    );
  }
  await pg.query('ANALYZE fleet.devices');
  const { rows } = await pg.query(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'healthy')::int AS healthy, count(*) FILTER (WHERE maintenance_mode)::int AS maintenance
       FROM fleet.devices`,
  );
  log(
    `list: ${int(LIST_DEVICES)} devices inserted with SQL in ${((Date.now() - started) / 1000).toFixed(1)} s (batches of ${int(batch)}), ANALYZE; ` +
      `fleet.devices holds ${int(rows[0].total)} (healthy ${int(rows[0].healthy)}, in maintenance ${int(rows[0].maintenance)})`,
  );
  return rows[0].total;
}

/** The filter combinations the list is measured with, as query strings and as the SQL DeviceListQuery builds (deviceListStatement). */
function listQueries() {
  const tenMinutesAgo = new Date(Date.now() - 10 * 60_000).toISOString();
  const oneDayAgo = new Date(Date.now() - 24 * 3600_000).toISOString();
  const q = (params) => ({ params, qs: new URLSearchParams({ ...params, limit: '50' }).toString() });
  return [
    q({ role: 'camera-dual', status: 'healthy' }),
    q({ role: 'sensor-env', status: 'degraded' }),
    q({ role: 'gateway-lte', status: 'failed' }),
    q({ status: 'failed', maintenance: 'false' }),
    q({ segment: 'canary', status: 'healthy' }),
    q({ branch: 'develop', role: 'camera-single' }),
    q({ role: 'camera-single', last_seen_after: tenMinutesAgo }),
    q({ maintenance: 'false', last_seen_after: tenMinutesAgo }),
    q({ status: 'offline', last_seen_before: oneDayAgo }),
  ];
}

/** The statement DeviceListQuery runs for a query string's filters (first page, limit 50), from dist/. */
function listSql(params) {
  const { deviceListStatement } = require(path.join(root, 'dist/apps/fleet/src/device/device-list.query.js'));
  const filter = {
    role: params.role,
    status: params.status,
    segment: params.segment,
    branch: params.branch,
    maintenance: params.maintenance === undefined ? undefined : params.maintenance === 'true',
    last_seen_before: params.last_seen_before && new Date(params.last_seen_before),
    last_seen_after: params.last_seen_after && new Date(params.last_seen_after),
  };
  const { text, values } = deviceListStatement(filter, undefined, 50);
  return { text, values };
}

/** EXPLAIN ANALYZE of each filtered page, once: which index serves it and how long Postgres takes. */
async function explainQueries(pg, queries) {
  const plans = [];
  // The statement names its tables as the service does, by its search_path.
  await pg.query('SET search_path = fleet, public');
  for (const { params, qs } of queries) {
    const { text, values } = listSql(params);
    const { rows } = await pg.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) ${text}`, values);
    const lines = rows.map((r) => r['QUERY PLAN']);
    const indexes = [...new Set(lines.flatMap((l) => [...l.matchAll(/(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)/g)].map((m) => m[1])))];
    const seqScan = lines.some((l) => /Seq Scan/.test(l));
    const execution = Number(/Execution Time: ([\d.]+) ms/.exec(lines.join('\n'))?.[1]);
    plans.push({ qs, indexes, seqScan, execution_ms: execution, lines });
    log(`list: EXPLAIN ANALYZE ?${qs.replace(/&limit=50$/, '')}: ${execution} ms, ${indexes.length ? `index ${indexes.join(' + ')}` : 'no index'}${seqScan ? ', SEQ SCAN' : ''}`);
  }
  log('list: the plan of the first one (role + status):');
  for (const l of plans[0].lines) log(`list:   ${l}`);
  return plans;
}

async function measureList(apps, pg) {
  const total = await seedDevices(pg);
  const queries = listQueries();
  const plans = await explainQueries(pg, queries);
  const headers = { 'x-api-key': adminKey };
  for (const { qs } of queries) {
    const page = await fetchJson(`${apps.base}/v1/devices?${qs}`, { headers });
    if (!Array.isArray(page.items)) throw new Error(`GET /v1/devices?${qs} answered no items`);
  }
  const sample = await fetchJson(`${apps.base}/v1/devices?${queries[0].qs}`, { headers });
  log(`list: GET /v1/devices?${queries[0].qs} answers ${sample.items.length} devices and a next_cursor; ${queries.length} filter combinations in turn, admin key`);
  const requests = queries.map(({ qs }) => ({ method: 'GET', path: `/v1/devices?${qs}`, headers }));
  log(`list: warm-up 2 s at ${LIST_CONNECTIONS} connections...`);
  await autocannon({ url: apps.base, connections: LIST_CONNECTIONS, duration: 2, requests });
  log(`list: measuring ${LIST_DURATION} s at ${LIST_CONNECTIONS} connections...`);
  const named = [apps.gateway, apps.fleet];
  const before = cpuSnapshot(named);
  const r = await autocannon({ url: apps.base, connections: LIST_CONNECTIONS, duration: LIST_DURATION, requests });
  const after = cpuSnapshot(named);
  const figures = {
    devices: total,
    rps: Math.round(r.requests.average),
    p50_ms: r.latency.p50,
    p90_ms: r.latency.p90,
    p99_ms: r.latency.p99,
    max_ms: r.latency.max,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    sql_ms: Object.fromEntries(plans.map((p) => [p.qs.replace(/&?limit=50$/, '').replace(/last_seen_(after|before)=[^&]+/, 'last_seen_$1=…'), p.execution_ms])),
    sql_max_ms: Math.max(...plans.map((p) => p.execution_ms)),
    indexes_used: plans.every((p) => p.indexes.length > 0 && !p.seqScan),
    cpu: cpuUsage(before, after),
    irq_pct: cpuOthers(before, after)?.irq ?? null,
    others_pct: cpuOthers(before, after)?.others ?? null,
  };
  figures.cpu_ms_per_request = cpuPerRequest(figures.cpu, figures.irq_pct, r.requests.average);
  figures.valid = figures.non2xx === 0 && figures.errors === 0 && figures.timeouts === 0 && figures.requests > 0;
  log(
    `list: ${int(figures.rps)} req/s, p50 ${figures.p50_ms} ms, p90 ${figures.p90_ms} ms, p99 ${figures.p99_ms} ms, max ${figures.max_ms} ms, ${int(figures.requests)} requests, ` +
      `${figures.non2xx} non-2xx, ${figures.errors} errors, ${figures.timeouts} timeouts${figures.valid ? '' : '  => INVALID'}`,
  );
  log(`list: CPU during the measurement: ${formatCpu(figures.cpu)}; ${restOfMachine(figures)}`);
  log(`list: CPU per request: ${formatPerRequest(figures.cpu_ms_per_request)}`);
  return figures;
}

// ---------------------------------------------------------------- clean-up

let cleaned = false;
/** The bench's own superuser connection to the bench database (row counts, seeding, EXPLAIN). */
let pg;
async function cleanUp() {
  if (cleaned) return;
  cleaned = true;
  await stopAll();
  await pg?.end().catch(() => undefined);
  for (const [what, step] of [
    ['drop the bench database', () => setup.dropDatabase(root, database)],
    [
      'delete the broker names',
      async () => {
        const { BrokerNames } = require(path.join(root, 'dist/libs/messaging/src/topology/broker-names.js'));
        const names = new BrokerNames(namespace);
        const heartbeats = names.serviceQueue('fleet', 'heartbeats');
        await setup.deleteBrokerNames({ root, amqpUrl: AMQP_URL, namespace, services: ['gateway', 'fleet'], extraQueues: [heartbeats, names.deadQueue(heartbeats)] });
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

function summary({ ceilings, ingest, list, load, error, seconds }) {
  const valid =
    !error &&
    (!ONLY.has('ceilings') || Boolean(ceilings)) &&
    (!ONLY.has('ingest') || Boolean(ingest?.valid)) &&
    (!ONLY.has('list') || Boolean(list?.valid));
  const ratioHttp = ceilings && ingest ? round(ingest.heartbeats_per_s / ceilings.httpRps) : null;
  const ratioInsert = ceilings && ingest ? round(ingest.heartbeats_per_s / ceilings.batchedInsertRowsS) : null;
  const targets = {
    heartbeats_10000_per_s: Boolean(valid && ingest && ingest.heartbeats_per_s >= TARGETS.heartbeatsPerS),
    p99_50ms: Boolean(valid && ingest && ingest.p99_ms <= TARGETS.p99Ms),
    lost_0: Boolean(valid && ingest && ingest.lost === 0 && ingest.missing_ids === 0 && ingest.duplicates === 0),
    list_p99_20ms: Boolean(valid && list && list.p99_ms <= TARGETS.listP99Ms),
  };
  const yes = (ok) => (ok ? 'met' : 'MISSED');
  console.log('');
  console.log(
    `Fleet benchmark, ${os.cpus().length} cores; machine before the run ${load?.busy_pct ?? '?'}% busy (load average ${load?.loadavg?.join(' ') ?? '?'}), one measurement after the other:`,
  );
  if (ceilings) {
    console.log(`  Postgres batched insert ceiling   ${int(ceilings.batchedInsertRowsS).padStart(8)} rows/s   (pg-limit.js, 1000 rows a statement)`);
    console.log(`  bare node:http ceiling            ${int(ceilings.httpRps).padStart(8)} req/s    p50 ${ceilings.httpP50} ms  p99 ${ceilings.httpP99} ms  (http-limit.js, ${CONNECTIONS} connections)`);
  }
  if (ingest) {
    console.log(
      `  heartbeats through the gateway    ${int(ingest.heartbeats_per_s).padStart(8)} /s       p50 ${ingest.p50_ms} ms  p99 ${ingest.p99_ms} ms  ` +
        `(${DURATION} s, ${CONNECTIONS} connections, ${DEVICES} devices, own keys, 202 after the broker's confirm)`,
    );
    console.log(
      `    202s ${int(ingest.accepted)} (warm-up included), rows ${int(ingest.rows)}, lost ${ingest.lost}, rows without a 202 ${ingest.duplicates}, ` +
        `accepted ids missing ${ingest.missing_ids}; non-202 ${int(ingest.non202)} (${Object.entries(ingest.status).map(([c, n]) => `${c}: ${n}`).join(', ')})`,
    );
    console.log(
      `    fleet ${int(ingest.backlog_at_stop)} heartbeats behind when the load stopped, written ${ingest.drain_s} s later; ` +
        `batches of ${ingest.batches.mean_batch ?? '?'} on average, ${ingest.batches.mean_flush_ms ?? '?'} ms a flush, ${ingest.batches.mean_accept_to_commit_ms ?? '?'} ms from stamp to commit`,
    );
    console.log(`    CPU: ${formatCpu(ingest.cpu)}; ${restOfMachine(ingest)}`);
    console.log(`    CPU per heartbeat (ms): ${formatPerRequest(ingest.cpu_ms_per_heartbeat)}`);
  }
  if (list) {
    console.log(
      `  device list, ${int(list.devices)} devices      ${int(list.rps).padStart(8)} req/s    p50 ${list.p50_ms} ms  p99 ${list.p99_ms} ms  ` +
        `(GET /v1/devices, 9 filter combinations, limit 50, ${LIST_CONNECTIONS} connections, ${LIST_DURATION} s)`,
    );
    console.log(`    SQL alone (EXPLAIN ANALYZE): at most ${list.sql_max_ms} ms, ${list.indexes_used ? 'an index for every combination' : 'NOT ALL COMBINATIONS USE AN INDEX'}`);
    console.log(`    CPU: ${formatCpu(list.cpu)}; ${restOfMachine(list)}`);
    console.log(`    CPU per request (ms): ${formatPerRequest(list.cpu_ms_per_request)}`);
  }
  if (ratioHttp !== null) console.log(`  heartbeats / bare HTTP ceiling    ${ratioHttp}`);
  if (ratioInsert !== null) console.log(`  heartbeats / batched-insert ceiling ${ratioInsert}`);
  if (ingest) {
    console.log(`  heartbeats/s  ${int(ingest.heartbeats_per_s)}  (target >= ${int(TARGETS.heartbeatsPerS)}: ${yes(targets.heartbeats_10000_per_s)})`);
    console.log(`  p99           ${ingest.p99_ms} ms  (target <= ${TARGETS.p99Ms} ms: ${yes(targets.p99_50ms)})`);
    console.log(`  lost          ${ingest.lost}  (target 0: ${yes(targets.lost_0)})`);
  }
  if (list) console.log(`  list p99      ${list.p99_ms} ms  (target <= ${TARGETS.listP99Ms} ms: ${yes(targets.list_p99_20ms)})`);
  if (!valid) console.log(`  RESULT INVALID${error ? `: ${error}` : ' (errors or timeouts under load, or a measurement missing)'}`);
  console.log(`  one run took ${seconds} s`);
  if (PROF_DIR) console.log(`  profiles: ${PROF_DIR} (node --prof-process <app>.v8.log; .cpuprofile files open in Chrome DevTools)`);
  const json = {
    bench: 'fleet',
    heartbeats_per_s: ingest?.heartbeats_per_s ?? null,
    p50_ms: ingest?.p50_ms ?? null,
    p99_ms: ingest?.p99_ms ?? null,
    accepted: ingest?.accepted ?? null,
    rows: ingest?.rows ?? null,
    lost: ingest?.lost ?? null,
    ceiling_http_rps: ceilings?.httpRps ?? null,
    ceiling_batched_insert_rows_s: ceilings?.batchedInsertRowsS ?? null,
    ratio_http: ratioHttp,
    ratio_insert: ratioInsert,
    list_p50_ms: list?.p50_ms ?? null,
    list_p99_ms: list?.p99_ms ?? null,
    targets,
    valid,
    duplicates: ingest?.duplicates ?? null,
    missing_ids: ingest?.missing_ids ?? null,
    non202: ingest ? ingest.status : null,
    errors: ingest?.errors ?? null,
    timeouts: ingest?.timeouts ?? null,
    backlog_at_stop: ingest?.backlog_at_stop ?? null,
    drain_s: ingest?.drain_s ?? null,
    batches: ingest?.batches ?? null,
    cpu: ingest?.cpu ?? null,
    cpu_ms_per_heartbeat: ingest?.cpu_ms_per_heartbeat ?? null,
    list_rps: list?.rps ?? null,
    list_sql_max_ms: list?.sql_max_ms ?? null,
    list_indexes_used: list?.indexes_used ?? null,
    list_cpu: list?.cpu ?? null,
    list_cpu_ms_per_request: list?.cpu_ms_per_request ?? null,
    machine: { cores: os.cpus().length, busy_before_pct: load?.busy_pct ?? null, loadavg_before: load?.loadavg ?? null, others_during_ingest_pct: ingest?.others_pct ?? null, irq_during_ingest_pct: ingest?.irq_pct ?? null, others_during_list_pct: list?.others_pct ?? null },
    connections: CONNECTIONS,
    duration_s: DURATION,
    devices: DEVICES,
    list_connections: LIST_CONNECTIONS,
    ...(error ? { error } : {}),
  };
  // Non-202 answers by status only (202s are `accepted`).
  if (json.non202) json.non202 = Object.fromEntries(Object.entries(json.non202).filter(([code]) => code !== '202'));
  console.log(JSON.stringify(json));
  return valid;
}

async function measure(result) {
  setup.ensureBuilt(
    root,
    ['dist/apps/gateway/src/main.js', 'dist/apps/fleet/src/main.js', 'dist/libs/persistence/src/index.js', 'dist/libs/messaging/src/index.js', 'dist/node_modules/@proctor/messaging/index.js'],
    log,
  );
  result.load = await machineLoad();
  log(`machine: ${result.load.cores} cores, ${result.load.busy_pct}% busy over 3 s before the run, load average ${result.load.loadavg.join(' ')}`);
  log(`database ${database} (roles proctor_gateway, proctor_fleet), namespace ${namespace}...`);
  const { provisionDatabase } = require(path.join(root, 'tools/dev/database.js'));
  const urls = await provisionDatabase(adminUrlFor(database), ['gateway', 'fleet']);
  if (ONLY.has('ceilings')) result.ceilings = await measureCeilings();
  if (ONLY.has('ingest') || ONLY.has('list')) {
    const apps = await startApps(urls);
    pg = new PgClient({ connectionString: adminUrlFor(database) });
    // Dropping the database (clean-up, perhaps while a query runs after Ctrl-C) ends this connection.
    pg.on('error', () => undefined);
    await pg.connect();
    if (ONLY.has('ingest')) result.ingest = await measureIngest(apps, pg);
    if (ONLY.has('list')) result.list = await measureList(apps, pg);
    await stopChild(apps.gateway);
    await stopChild(apps.fleet);
  }
}

void runBench({ log, cleanUp, measure, summary });
