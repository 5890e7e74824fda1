// Preparation and clean-up shared by tools/bench/*: settings from the environment, the build, free
// ports, the throw-away database (dropped at the end) and the broker names of a run's namespace
// (deleted at the end).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

/** A positive number from the environment, or the fallback when it is unset. */
function positive(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** Builds dist/ (node tools/build/build.js) when one of the files `needed` (relative to root) is missing. */
function ensureBuilt(root, needed, log) {
  if (needed.every((f) => fs.existsSync(path.join(root, f)))) return;
  log('dist is missing: building (node tools/build/build.js)...');
  const build = spawnSync(process.execPath, [path.join(root, 'tools/build/build.js')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The superuser URL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432) with its database replaced. */
function adminUrlFor(db) {
  const url = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/proctor');
  url.pathname = `/${db}`;
  return url.toString();
}

async function fetchJson(url, init, expected = 200) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function dropDatabase(root, database) {
  const { Client } = require(require.resolve('pg', { paths: [root] }));
  const client = new Client({ connectionString: adminUrlFor('postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Deletes every queue and exchange a run may have declared under its namespace: the names of
 * libs/messaging `BrokerNames` for each of `services` (rpc, events and its dead queue), the
 * unrouted queue, and `extraQueues` (a run's own, e.g. `fleet.heartbeats`).
 */
async function deleteBrokerNames({ root, amqpUrl, namespace, services, extraQueues = [] }) {
  const amqp = require(require.resolve('amqplib', { paths: [root] }));
  const { BrokerNames } = require(path.join(root, 'dist/libs/messaging/src/topology/broker-names.js'));
  const names = new BrokerNames(namespace);
  const queues = [names.unroutedQueue, ...extraQueues];
  for (const service of services) {
    queues.push(names.rpcQueue(service), names.eventsQueue(service), names.deadQueue(names.eventsQueue(service)));
  }
  const exchanges = [
    names.rpcExchange,
    names.eventsExchange,
    names.unroutedExchange,
    names.deadLetterExchange,
    names.agentsExchange,
    names.hostsExchange,
    names.reportsExchange,
    names.logsExchange,
  ];
  const conn = await amqp.connect(amqpUrl);
  conn.on('error', () => undefined);
  try {
    // A channel per deletion: a broker that refuses one (say, a name that never existed on an old
    // RabbitMQ) closes only that channel.
    for (const queue of queues) {
      const ch = await conn.createChannel();
      ch.on('error', () => undefined);
      await ch.deleteQueue(queue).catch(() => undefined);
      await ch.close().catch(() => undefined);
    }
    for (const exchange of exchanges) {
      const ch = await conn.createChannel();
      ch.on('error', () => undefined);
      await ch.deleteExchange(exchange).catch(() => undefined);
      await ch.close().catch(() => undefined);
    }
  } finally {
    await conn.close().catch(() => undefined);
  }
}

module.exports = { positive, ensureBuilt, freePort, adminUrlFor, fetchJson, dropDatabase, deleteBrokerNames };
