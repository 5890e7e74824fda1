import { BrokerNames } from '@proctor/messaging';
import { createTestDatabase, deleteBrokerNames, expectEventually, namespaceBrokerNames, ProcessStack, TestDatabase, testNamespace } from '@proctor/testing';
import { spawnSync } from 'node:child_process';

// The key seed 004's curl examples send; here the admin key, as in a development gateway.
const SEED_KEY = 'dev-api-key';
const FLEET_KEY = 'e2e-fleet-key-0123';

interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fleet end to end: compiled gateway and fleet service as processes', () => {
  const namespace = testNamespace();
  let db: TestDatabase;
  let stack: ProcessStack;

  const call = async <T = Record<string, unknown>>(method: string, path: string, key: string | undefined, body?: object): Promise<Reply<T>> => {
    const res = await fetch(`${stack.url('gateway')}${path}`, {
      method,
      headers: { ...(key === undefined ? {} : { 'x-api-key': key }), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  /** Runs a curl command line of seed 004 as written, against this gateway instead of localhost:8080. */
  const curl = (args: string[]): Reply => {
    const rewritten = args.map((a) => a.replace('http://localhost:8080', stack.url('gateway')));
    const run = spawnSync('curl', ['-sS', '-w', '\n%{http_code}', ...rewritten], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`curl failed: ${run.stderr}`);
    const lines = run.stdout.trimEnd().split('\n');
    const status = Number(lines.pop());
    const text = lines.join('\n');
    return { status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  const register = async (deviceId: string) => {
    const reply = await call<{ device_key: string }>('POST', '/api/v1/devices/register', FLEET_KEY, { device_id: deviceId, hostname: `${deviceId}.local`, role: 'camera-dual' });
    expect(reply.status).toBe(200);
    expect(reply.body.device_key).toEqual(expect.any(String));
    return reply.body.device_key;
  };

  const heartbeat = (deviceId: string, key: string, body: object = { status: 'healthy', cpu_percent: 10 }) =>
    call<{ status: string; heartbeat_id: string }>('POST', `/api/v1/devices/${deviceId}/heartbeat`, key, body);

  beforeAll(async () => {
    db = await createTestDatabase(['fleet', 'gateway']);
    stack = new ProcessStack({
      db,
      namespace,
      appEnv: {
        gateway: {
          JWT_SECRET: 'e2e-secret-0123456789abcdef',
          ADMIN_PASSWORD: 'e2e-admin-pass',
          FLEET_ADMIN_API_KEY: SEED_KEY,
          FLEET_API_KEY: FLEET_KEY,
          RPC_TIMEOUT_MS: '3000',
          // The stream below sends faster than a device would; the limit is not what this file tests.
          DEVICE_RATE_LIMIT_PER_MINUTE: '1000000',
        },
      },
    });
    await stack.start('fleet');
    await stack.start('gateway');
  });

  afterAll(async () => {
    await stack?.stopAll();
    await db?.drop();
    const names = new BrokerNames(namespace);
    const declared = namespaceBrokerNames(namespace, ['fleet']);
    const heartbeats = names.serviceQueue('fleet', 'heartbeats');
    await deleteBrokerNames([...declared.queues, heartbeats, names.deadQueue(heartbeats)], declared.exchanges);
  });

  it("answers seed 004's curl examples as written: health, register, list, get", () => {
    expect(curl(['http://localhost:8080/health'])).toEqual({ status: 200, body: { status: 'ok' } });

    const registered = curl([
      '-X',
      'POST',
      'http://localhost:8080/api/v1/devices/register',
      '-H',
      'X-API-Key: dev-api-key',
      '-H',
      'Content-Type: application/json',
      '-d',
      `{
    "device_id": "test-device-01",
    "hostname": "test-01.local",
    "role": "camera-dual",
    "branch": "main",
    "ip_address": "192.168.1.100"
  }`,
    ]);
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({ device_id: 'test-device-01', hostname: 'test-01.local', role: 'camera-dual', branch: 'main', ip_address: '192.168.1.100' });
    expect(registered.body.device_key).toEqual(expect.any(String));

    const listed = curl(['-H', 'X-API-Key: dev-api-key', 'http://localhost:8080/api/v1/devices']);
    expect(listed.status).toBe(200);
    expect((listed.body as unknown as Page<{ device_id: string }>).items.map((d) => d.device_id)).toContain('test-device-01');

    const got = curl(['-H', 'X-API-Key: dev-api-key', 'http://localhost:8080/api/v1/devices/test-device-01']);
    expect(got).toMatchObject({ status: 200, body: { device_id: 'test-device-01', role: 'camera-dual' } });
  });

  it('accepts a heartbeat with 202; it then shows in the history and as last_seen', async () => {
    const key = await register('pi-e2e-hb');
    const accepted = await heartbeat('pi-e2e-hb', key, { status: 'degraded', cpu_percent: 55.5, temperature: 61, current_commit_hash: 'a1b2c3d' });
    expect(accepted).toEqual({ status: 202, body: { status: 'accepted', heartbeat_id: expect.any(String) } });
    await expectEventually(async () => {
      const history = await call<Page<{ heartbeat_id: string; status: string; cpu_percent: number }>>('GET', '/api/v1/devices/pi-e2e-hb/heartbeats', key);
      expect(history.status).toBe(200);
      expect(history.body.items).toEqual([expect.objectContaining({ heartbeat_id: accepted.body.heartbeat_id, status: 'degraded', cpu_percent: 55.5 })]);
    });
    const device = await call<{ last_seen: string | null }>('GET', '/api/v1/devices/pi-e2e-hb', key);
    expect(device.status).toBe(200);
    expect(device.body.last_seen).toEqual(expect.any(String));
  });

  it('keeps each device to its own key: another device is 403, an unknown device 404, no key 401', async () => {
    const keyA = await register('pi-e2e-a');
    await register('pi-e2e-b');
    expect((await heartbeat('pi-e2e-a', keyA)).status).toBe(202);
    expect(await heartbeat('pi-e2e-b', keyA)).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await call('PATCH', '/api/v1/devices/pi-e2e-b/status', keyA, { status: 'failed' })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await call('GET', '/api/v1/devices/pi-e2e-b', keyA)).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await call('PATCH', '/api/v1/devices/pi-e2e-a/status', keyA, { status: 'degraded', message: 'camera 2 not detected' })).toMatchObject({ status: 200 });
    expect(await heartbeat('pi-e2e-nowhere', FLEET_KEY)).toMatchObject({ status: 404, body: { error: 'device_not_found' } });
    expect(await call('GET', '/api/v1/devices/pi-e2e-a', undefined)).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await call('GET', '/api/v1/devices/pi-e2e-a', 'dk_not-a-real-key')).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
  });

  it('keeps listing, settings and rollouts from device keys and the fleet key (403); the admin key may', async () => {
    const key = await register('pi-e2e-admin');
    const adminOnly: [string, string, object | undefined][] = [
      ['GET', '/api/v1/devices', undefined],
      ['PATCH', '/v1/devices/pi-e2e-admin', { maintenance_mode: true }],
      ['POST', '/v1/rollouts', { target_commit: 'e4f5a6b', segment: 'canary', dry_run: true }],
      ['GET', '/v1/rollouts', undefined],
    ];
    for (const [method, path, body] of adminOnly) {
      expect({ path, reply: await call(method, path, key, body) }).toMatchObject({ path, reply: { status: 403, body: { error: 'forbidden' } } });
      expect({ path, reply: await call(method, path, FLEET_KEY, body) }).toMatchObject({ path, reply: { status: 403, body: { error: 'forbidden' } } });
      expect({ path, status: (await call(method, path, SEED_KEY, body)).status }).toEqual({ path, status: 200 });
    }
  });

  it('loses no accepted heartbeat while the fleet service is stopped with SIGTERM and restarted', async () => {
    const devices = ['pi-stream-1', 'pi-stream-2', 'pi-stream-3', 'pi-stream-4'];
    const keys = await Promise.all(devices.map((d) => register(d)));
    let accepted = 0;
    const refused: number[] = [];
    let streaming = true;
    const stream = async (deviceId: string, key: string) => {
      while (streaming) {
        const reply = await heartbeat(deviceId, key);
        if (reply.status === 202) accepted++;
        else refused.push(reply.status);
        await sleep(10);
      }
    };
    const streams = devices.map((d, i) => stream(d, keys[i]));

    await sleep(500);
    expect(await stack.stop('fleet')).toBe(0);
    const acceptedWhenStopped = accepted;
    await sleep(1500);
    const acceptedWhileStopped = accepted - acceptedWhenStopped;
    await stack.start('fleet');
    await sleep(500);
    streaming = false;
    await Promise.all(streams);

    // The gateway never needed the fleet service: every heartbeat went to its durable queue.
    expect(refused).toEqual([]);
    expect(acceptedWhileStopped).toBeGreaterThan(20);
    await expectEventually(
      async () => {
        const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM fleet.device_heartbeats WHERE device_id = ANY($1)', [devices]);
        expect(row.n).toBe(accepted);
      },
      { timeoutMs: 30000, intervalMs: 200 },
    );
  });
});
