import { DEFAULT_AMQP_URL } from '@proctor/config';
import { JsonLogger } from '@proctor/observability';
import { DaemonConfig } from './daemon-config';
import { DaemonDefinition } from './daemon-definition';
import { RunningDaemon, startDaemon } from './daemon-runtime';

const definition: DaemonDefinition = {
  daemon: 'testd',
  description: 'a daemon under test',
  envPrefix: 'TESTD',
  defaultConfigPath: '/nonexistent/testd.yml',
};

function configFor(amqpUrl: string): DaemonConfig {
  return {
    gatewayUrl: 'http://127.0.0.1:8080',
    amqpUrl,
    name: 'lab-1',
    key: 'the-daemon-key',
    labels: { site: 'lab-a' },
    namespace: '',
    port: 0,
    logLevel: 'log',
    drainTimeoutSeconds: 30,
    lists: {},
    settings: {},
  };
}

describe('startDaemon', () => {
  let daemon: RunningDaemon | undefined;
  let lines: string[];
  const logger = () => new JsonLogger(definition.daemon, 'log', (line) => lines.push(line));

  beforeEach(() => (lines = []));
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
  });

  it('connects to the broker, serves /healthz and /metrics, and never logs its key', async () => {
    daemon = await startDaemon(definition, configFor(process.env.AMQP_URL ?? DEFAULT_AMQP_URL), logger());
    await daemon.connection.connect();
    const base = `http://127.0.0.1:${daemon.port}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', broker: 'connected' });

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('proctor_daemon_broker_connected{service="testd"} 1');

    const missing = await fetch(`${base}/readyz`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });

    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ msg: 'daemon started', service: 'testd', name: 'lab-1', labels: { site: 'lab-a' } }),
        expect.objectContaining({ msg: 'broker connected' }),
      ]),
    );
    expect(lines.join('\n')).not.toContain('the-daemon-key');
  });

  it('stays alive while the broker is out of reach, and stops at once', async () => {
    daemon = await startDaemon(definition, configFor('amqp://guest:guest@127.0.0.1:1'), logger());

    const health = await fetch(`http://127.0.0.1:${daemon.port}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', broker: 'reconnecting' });
    const metrics = await (await fetch(`http://127.0.0.1:${daemon.port}/metrics`)).text();
    expect(metrics).toContain('proctor_daemon_broker_connected{service="testd"} 0');

    const started = Date.now();
    await daemon.stop();
    daemon = undefined;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
