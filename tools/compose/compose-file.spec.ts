import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// Images cannot be pulled where the tests run, so the compose file is checked by reading it.
const root = join(__dirname, '../..');

/** The apps and HTTP ports of DESIGN.md ("Ports and names"); the backends own a schema each. */
const BACKENDS: Record<string, number> = { gateway: 8080, agents: 8081, exercises: 8082, jobs: 8083, fleet: 8084, hosts: 8085 };
const DAEMONS: Record<string, number> = { agentd: 9100, hostd: 9100 };
const APPS = { ...BACKENDS, ...DAEMONS };

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string> | string[];
  ports?: (string | { target: number; published?: string | number })[];
  healthcheck?: { test?: string[] | string };
  depends_on?: string[] | Record<string, { condition?: string }>;
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (!Array.isArray(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
  return Object.fromEntries(env.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

function containerPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((port) => (typeof port === 'string' ? Number(port.split(':').pop()?.split('/')[0]) : port.target));
}

describe('docker-compose.yml', () => {
  it('has a service for every app in apps/ that runs (has a main), and DESIGN.md knows every one', () => {
    const apps = readdirSync(join(root, 'apps'))
      .filter((app) => existsSync(join(root, 'apps', app, 'src/main.ts')))
      .sort();
    expect(apps).toEqual(Object.keys(APPS).sort());
    for (const app of apps) expect(services[app]).toBeDefined();
  });

  it.each(Object.keys(APPS))('builds %s from the Dockerfile and runs its compiled main', (app) => {
    const service = services[app];
    const build = typeof service.build === 'string' ? { context: service.build } : service.build;
    expect(build).toBeDefined();
    expect(build?.context).toBe('.');
    expect(build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
    // Node flags may come first (the jobs service's heap size), the compiled main last.
    expect(Array.isArray(service.command)).toBe(true);
    const command = service.command as string[];
    expect(command.at(-1)).toBe(`dist/apps/${app}/src/main.js`);
    expect(command.slice(0, -1).every((arg) => arg.startsWith('--'))).toBe(true);
  });

  it('starts jobs with the same node heap flag as k8s and npm start', () => {
    expect(services.jobs.command).toEqual(['--initial-old-space-size=96', 'dist/apps/jobs/src/main.js']);
  });

  it('relies on an image whose entrypoint is node, run as the non-root user node', () => {
    const runtime = readFileSync(join(root, 'Dockerfile'), 'utf8').split(/^FROM /m).pop() ?? '';
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["node"\]$/m);
  });

  it('builds agentd from the Dockerfile stage that adds iperf3 (exercises run it), as node', () => {
    expect(services.agentd.build).toMatchObject({ dockerfile: 'Dockerfile', target: 'agentd' });
    const stage = readFileSync(join(root, 'Dockerfile'), 'utf8')
      .split(/^FROM /m)
      .find((s) => / AS agentd$/m.test(s.split('\n')[0]));
    expect(stage).toMatch(/apt-get install -y --no-install-recommends iperf3/);
    expect(stage).toMatch(/^USER node$/m);
    expect(stage).toMatch(/^ENTRYPOINT \["node"\]$/m);
  });

  it.each(Object.entries(APPS))('serves %s on port %i with PORT set to it', (app, port) => {
    expect(containerPorts(services[app])).toEqual([port]);
    expect(environmentOf(services[app]).PORT).toBe(String(port));
  });

  it.each(Object.keys(BACKENDS))('gives %s its own database role and the broker', (app) => {
    const env = environmentOf(services[app]);
    // As tools/dev/database.js provisions them: role proctor_<service>, password proctor_<service>_dev.
    expect(env.DATABASE_URL).toBe(`postgres://proctor_${app}:proctor_${app}_dev@postgres:5432/proctor`);
    expect(env.AMQP_URL).toBe('amqp://guest:guest@rabbitmq:5672');
  });

  it.each(Object.keys(DAEMONS))('gives %s no database, and the gateway and the broker', (app) => {
    const env = environmentOf(services[app]);
    const prefix = app.toUpperCase();
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env[`${prefix}_GATEWAY_URL`]).toBe('http://gateway:8080');
    expect(env[`${prefix}_AMQP_URL`]).toBe('amqp://guest:guest@rabbitmq:5672');
    expect(env[`${prefix}_NAME`]).toBeTruthy();
    expect(env[`${prefix}_KEY`]).toBeTruthy();
  });

  it.each(Object.keys(APPS))('checks the health of %s on its own port', (app) => {
    const test = services[app].healthcheck?.test;
    const command = Array.isArray(test) ? test.join(' ') : (test ?? '');
    expect(command).toContain(app in BACKENDS ? '/readyz' : '/healthz');
    expect(command).toContain('process.env.PORT');
  });

  it.each(Object.keys(BACKENDS))('starts %s once Postgres and RabbitMQ are healthy and the database is provisioned', (app) => {
    expect(services[app].depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      rabbitmq: { condition: 'service_healthy' },
      'db-setup': { condition: 'service_completed_successfully' },
    });
  });

  it('provisions the database once, with the provisioning CLI, before the services', () => {
    const setup = services['db-setup'];
    expect(setup.command).toEqual(['tools/dev/provision.js']);
    expect(setup.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services.postgres.image).toBe('postgres:15');
    expect(services.rabbitmq.image).toBe('rabbitmq:3.10-management');
    expect(services.postgres.healthcheck?.test).toBeDefined();
    expect(services.rabbitmq.healthcheck?.test).toBeDefined();
  });

  it('gives the gateway development values for its secrets', () => {
    const env = environmentOf(services.gateway);
    expect(env.JWT_SECRET.length).toBeGreaterThanOrEqual(16);
    expect(env.JWT_SECRET).toMatch(/dev/);
    expect(env.ADMIN_USERNAME).toBeTruthy();
    expect(env.ADMIN_PASSWORD).toMatch(/dev/);
  });
});
