#!/usr/bin/env node
// `npm start`: runs Proctor on this machine. Installs dependencies if missing, checks Postgres and
// RabbitMQ, builds, provisions the database (one role and schema per service), starts every
// service and then the gateway (each migrates itself at start), waits until all are ready, prints
// the gateway URL and how to get a token, and on Ctrl-C stops everything gracefully.
//   DATABASE_URL (superuser URL of the database, default postgres://postgres@127.0.0.1:5432/proctor)
//   AMQP_URL (default amqp://guest:guest@127.0.0.1:5672), PROCTOR_NAMESPACE, GATEWAY_PORT (8080)
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '../..');
if (!fs.existsSync(path.join(root, 'node_modules'))) {
  console.log('start: installing dependencies (npm ci)...');
  const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (install.status !== 0) process.exit(install.status ?? 1);
}

const { dependencyProblems } = require('./reachability');

const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/proctor';
const amqpUrl = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const SERVICES = [
  { name: 'agents', port: 8081 },
  { name: 'exercises', port: 8082 },
  // V8's first old-generation limit (~57 MiB over a ~34 MiB live heap) made every second or third
  // 1 MiB submission start a full collection; 96 MiB halves the service's CPU per submission.
  // The same flag is in docker-compose.yml, k8s/base/jobs.yaml and the jobs benchmark.
  { name: 'jobs', port: 8083, nodeArgs: ['--initial-old-space-size=96'] },
  { name: 'fleet', port: 8084 },
  { name: 'hosts', port: 8085 },
];
const GATEWAY = { name: 'gateway', port: Number(process.env.GATEWAY_PORT || 8080) };
const COLORS = { agents: 36, exercises: 35, jobs: 33, fleet: 32, hosts: 34, gateway: 37 };

const children = new Map();
let stopping = false;

/** One readable line per JSON log line: time, app, level, message, the rest compact. */
function printLog(name, line) {
  let text = line;
  try {
    const { time, level, msg, service: _s, context: _c, ...rest } = JSON.parse(line);
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    text = `${(time || '').slice(11, 19)} ${String(level).padEnd(5)} ${msg ?? ''}${extra}`;
  } catch {
    // not JSON (a crash trace): print as is
  }
  process.stdout.write(`\x1b[${COLORS[name]}m${name.padEnd(9)}\x1b[0m ${text}\n`);
}

function startApp({ name, port, nodeArgs = [] }, databaseUrl) {
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, `dist/apps/${name}/src/main.js`)], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, AMQP_URL: amqpUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) if (line.trim()) printLog(name, line);
    });
  }
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`start: ${name} exited (${signal ?? code}); stopping everything`);
      void stopAll(1);
    }
  });
  children.set(name, child);
}

async function waitReady({ name, port }, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} was not ready within ${timeoutMs / 1000} s (see its log above)`);
}

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nstart: stopping (SIGTERM to every app, waiting for them to drain)...');
  const exits = [...children.values()].map(
    (child) =>
      new Promise((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 15000);
        child.on('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  );
  await Promise.all(exits);
  console.log('start: all stopped');
  process.exit(code);
}

async function main() {
  const problems = await dependencyProblems({ databaseUrl: adminUrl, amqpUrl });
  if (problems.length > 0) {
    for (const problem of problems) console.error(`start: ${problem}`);
    process.exit(1);
  }
  console.log('start: building...');
  const build = spawnSync(process.execPath, [path.join(root, 'tools/build/build.js')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const { provisionDatabase } = require('./database');
  const urls = await provisionDatabase(adminUrl, [...SERVICES.map((s) => s.name), GATEWAY.name]);

  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  for (const service of SERVICES) startApp(service, urls[service.name]);
  await Promise.all(SERVICES.map((s) => waitReady(s)));
  startApp(GATEWAY, urls.gateway);
  await waitReady(GATEWAY);

  const base = `http://127.0.0.1:${GATEWAY.port}`;
  const user = process.env.ADMIN_USERNAME || 'admin';
  const password = process.env.ADMIN_PASSWORD ? '<your ADMIN_PASSWORD>' : 'admin123';
  console.log(`
Proctor is ready.
  gateway   ${base}
  API docs  ${base}/docs
  get a token:
    curl -s -X POST ${base}/v1/auth/token -H 'content-type: application/json' \\
      -d '{"username":"${user}","password":"${password}"}'
  then:  curl -s ${base}/v1/agents -H "authorization: Bearer <access_token>"
Ctrl-C stops everything.
`);
}

main().catch((e) => {
  console.error(`start: ${e.message}`);
  void stopAll(1);
});
