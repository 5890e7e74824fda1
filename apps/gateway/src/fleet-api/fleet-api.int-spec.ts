import { INestApplication } from '@nestjs/common';
import { EnvReader } from '@proctor/config';
import { FleetReport, FleetRpc, HeartbeatMessageType } from '@proctor/contracts';
import { BrokerNames, portOf } from '@proctor/messaging';
import { JsonLogger } from '@proctor/observability';
import { createTestDatabase, deleteBrokerNames, namespaceBrokerNames, TEST_AMQP_URL, TestDatabase, testNamespace } from '@proctor/testing';
import * as amqp from 'amqplib';
import { createHash, randomBytes } from 'node:crypto';
import { startGateway } from '../gateway-bootstrap';
import { readGatewayConfig } from '../gateway-config';

const FLEET_KEY = 'fleet-key-for-tests';
const ADMIN_KEY = 'admin-key-for-tests';
const DEVICE_RATE_LIMIT = 30;

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { details?: Record<string, unknown> };
}

interface Call {
  pattern: string;
  payload: Record<string, unknown>;
}

type StandInAnswer = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Stands in for the fleet service on the real broker: a queue bound to `proctor.rpc` for the fleet
 * patterns, answering on `replyTo` as a service would (rpc-wire.ts). It keeps devices and key
 * hashes, and echoes the other calls back so that a test sees exactly what the gateway sent.
 */
class FleetStandIn {
  readonly calls: Call[] = [];
  private readonly devices = new Set<string>();
  private readonly keys = new Map<string, string>();
  private channel?: amqp.Channel;

  constructor(private readonly names: BrokerNames) {}

  async start(connection: amqp.ChannelModel): Promise<void> {
    const ch = await connection.createChannel();
    this.channel = ch;
    await ch.assertExchange(this.names.rpcExchange, 'direct', { durable: true });
    const queue = this.names.rpcQueue('fleet');
    await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    for (const pattern of Object.values(FleetRpc)) await ch.bindQueue(queue, this.names.rpcExchange, pattern);
    await ch.consume(
      queue,
      (msg) => {
        if (!msg) return;
        const call = { pattern: msg.fields.routingKey, payload: JSON.parse(msg.content.toString('utf8')) as Record<string, unknown> };
        this.calls.push(call);
        const answer = this.answer(call);
        ch.sendToQueue(msg.properties.replyTo as string, Buffer.from(JSON.stringify(answer)), { correlationId: msg.properties.correlationId as string });
      },
      { noAck: true },
    );
  }

  /** A device that exists in fleet without having registered through this gateway. */
  addDevice(deviceId: string, key?: string): void {
    this.devices.add(deviceId);
    if (key) this.keys.set(sha256(key), deviceId);
  }

  callsOf(pattern: FleetRpc): Call[] {
    return this.calls.filter((c) => c.pattern === pattern);
  }

  async stop(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
  }

  private answer({ pattern, payload }: Call): StandInAnswer {
    const deviceId = payload.device_id as string;
    switch (pattern) {
      case FleetRpc.AuthenticateDevice: {
        const owner = this.keys.get(payload.key_hash as string);
        return owner ? { ok: true, data: { device_id: owner } } : { ok: false, error: { code: 'device_key_invalid', message: 'no device has this key' } };
      }
      case FleetRpc.GetDevice:
        return this.devices.has(deviceId) ? { ok: true, data: this.view(deviceId) } : { ok: false, error: { code: 'device_not_found', message: `no device ${deviceId}` } };
      case FleetRpc.RegisterDevice: {
        this.devices.add(deviceId);
        let key: string | null = null;
        if (payload.issue_key === true) {
          key = `dk_${randomBytes(24).toString('base64url')}`;
          this.keys.set(sha256(key), deviceId);
        }
        return { ok: true, data: { ...this.view(deviceId), device_key: key } };
      }
      default:
        return { ok: true, data: { echo: pattern, payload } };
    }
  }

  private view(deviceId: string) {
    return { device_id: deviceId, hostname: `${deviceId}.local`, role: 'camera-dual', branch: 'main', segment: 'stable', status: 'healthy' };
  }
}

async function bootGateway(db: TestDatabase, namespace: string, env: Record<string, string> = {}): Promise<{ app: INestApplication; base: string }> {
  const config = readGatewayConfig(
    new EnvReader({
      PORT: '0',
      DATABASE_URL: db.urlFor('gateway'),
      AMQP_URL: TEST_AMQP_URL,
      PROCTOR_NAMESPACE: namespace,
      JWT_SECRET: 'fleet-api-test-secret-0123456789',
      ADMIN_USERNAME: 'root',
      ADMIN_PASSWORD: 'correct horse battery',
      FLEET_API_KEY: FLEET_KEY,
      FLEET_ADMIN_API_KEY: ADMIN_KEY,
      RATE_LIMIT_PER_MINUTE: '100000',
      DEVICE_RATE_LIMIT_PER_MINUTE: String(DEVICE_RATE_LIMIT),
      BODY_LIMIT_BYTES: '2048',
      RPC_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'error',
      ...env,
    }),
  );
  const app = await startGateway(config, new JsonLogger('gateway', 'error'));
  return { app, base: `http://127.0.0.1:${portOf(app)}` };
}

describe('fleet API at the gateway (real Postgres and RabbitMQ, a stand-in for the fleet service)', () => {
  const namespace = testNamespace();
  const names = new BrokerNames(namespace);
  const heartbeatQueue = `${namespace}.test.heartbeats`;
  let db: TestDatabase;
  let app: INestApplication;
  let base: string;
  let broker: amqp.ChannelModel;
  let ch: amqp.Channel;
  let fleet: FleetStandIn;
  let token: string;

  const call = async (method: string, path: string, options: { key?: string; bearer?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key !== undefined) headers['x-api-key'] = options.key;
    if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
    if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Reply['body']) : {} };
  };

  /** DESIGN.md's envelope: code, message, the request id; and the status that goes with the code. */
  const expectError = (reply: Reply, status: number, code: string) => {
    expect({ status: reply.status, error: reply.body.error }).toEqual({ status, error: code });
    expect(reply.body).toEqual(expect.objectContaining({ message: expect.any(String), request_id: expect.any(String) }));
  };

  const register = async (deviceId: string, key = FLEET_KEY) => {
    const reply = await call('POST', '/api/v1/devices/register', { key, body: { device_id: deviceId, hostname: `${deviceId}.local`, role: 'camera-dual' } });
    expect(reply.status).toBe(200);
    return reply.body.device_key as string;
  };

  const heartbeat = (deviceId: string, key: string | undefined, body: unknown = { status: 'healthy', cpu_percent: 12.5 }) =>
    call('POST', `/api/v1/devices/${deviceId}/heartbeat`, { key, body });

  beforeAll(async () => {
    db = await createTestDatabase(['gateway']);
    broker = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
    fleet = new FleetStandIn(names);
    await fleet.start(broker);
    ({ app, base } = await bootGateway(db, namespace));
    ch = await broker.createChannel();
    const res = await fetch(`${base}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'root', password: 'correct horse battery' }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  });

  afterAll(async () => {
    await fleet?.stop();
    await ch?.deleteQueue(heartbeatQueue).catch(() => undefined);
    await broker?.close();
    await app?.close();
    await db?.drop();
    const declared = namespaceBrokerNames(namespace, ['fleet']);
    await deleteBrokerNames(declared.queues, declared.exchanges);
  });

  describe('before any queue takes heartbeats (the fleet service never started)', () => {
    it('answers 503 in the envelope, never 202 for a heartbeat it could not hand over', async () => {
      const key = await register('pi-early');
      expectError(await heartbeat('pi-early', key), 503, 'service_unavailable');
      expectError(await heartbeat('pi-early', FLEET_KEY), 503, 'service_unavailable');
    });
  });

  describe('with a queue bound for device.heartbeat', () => {
    beforeAll(async () => {
      await ch.assertQueue(heartbeatQueue, { durable: true });
      await ch.bindQueue(heartbeatQueue, names.reportsExchange, FleetReport.Heartbeat);
    });
    beforeEach(() => ch.purgeQueue(heartbeatQueue));

    it('answers 202 only once the heartbeat is in the queue: persistent, its id as message id, stamped by the gateway', async () => {
      const key = await register('pi-camera-01');
      const before = Date.now();
      const reply = await heartbeat('pi-camera-01', key, { status: 'degraded', cpu_percent: 71.5, temperature: 61.2, containers_running: 3 });
      expect(reply.status).toBe(202);
      expect(reply.body).toEqual({ status: 'accepted', heartbeat_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      // No waiting: a confirmed publish is already in the queue when the answer leaves.
      const msg = await ch.get(heartbeatQueue, { noAck: true });
      expect(msg).not.toBe(false);
      if (msg === false) return;
      expect(msg.fields.routingKey).toBe('device.heartbeat');
      expect(msg.properties).toMatchObject({ messageId: reply.body.heartbeat_id, deliveryMode: 2, contentType: 'application/json' });
      const body = JSON.parse(msg.content.toString('utf8')) as Record<string, unknown>;
      expect(body).toEqual({
        status: 'degraded',
        cpu_percent: 71.5,
        temperature: 61.2,
        containers_running: 3,
        device_id: 'pi-camera-01',
        heartbeat_id: reply.body.heartbeat_id,
        received_at: expect.any(String),
      });
      expect(Date.parse(body.received_at as string)).toBeGreaterThanOrEqual(before - 1);
    });

    it('asks the fleet service about a device key once, not once per heartbeat', async () => {
      const key = 'dk-provisioned-elsewhere-0001';
      fleet.addDevice('pi-cached', key);
      for (let i = 0; i < 15; i++) expect((await heartbeat('pi-cached', key)).status).toBe(202);
      expect(fleet.callsOf(FleetRpc.AuthenticateDevice).filter((c) => c.payload.key_hash === sha256(key))).toHaveLength(1);
      expect((await ch.checkQueue(heartbeatQueue)).messageCount).toBe(15);
    });

    it('knows a key it just issued without asking', async () => {
      const key = await register('pi-fresh');
      expect((await heartbeat('pi-fresh', key)).status).toBe(202);
      expect(fleet.callsOf(FleetRpc.AuthenticateDevice).filter((c) => c.payload.key_hash === sha256(key))).toHaveLength(0);
    });

    it('answers 404 device_not_found for a device fleet does not know, with the fleet key, and publishes nothing', async () => {
      expectError(await heartbeat('pi-nowhere', FLEET_KEY), 404, 'device_not_found');
      expectError(await heartbeat('pi-nowhere', FLEET_KEY), 404, 'device_not_found');
      expect(fleet.callsOf(FleetRpc.GetDevice).filter((c) => c.payload.device_id === 'pi-nowhere')).toHaveLength(1);
      expect((await ch.checkQueue(heartbeatQueue)).messageCount).toBe(0);
    });

    it('lets the fleet key heartbeat for a device in the field that does not know its own key (checked once)', async () => {
      fleet.addDevice('pi-legacy');
      for (let i = 0; i < 3; i++) expect((await heartbeat('pi-legacy', FLEET_KEY)).status).toBe(202);
      expect(fleet.callsOf(FleetRpc.GetDevice).filter((c) => c.payload.device_id === 'pi-legacy')).toHaveLength(1);
    });

    it('limits each device on its own: one device over its limit gets 429, its neighbour behind the same address does not', async () => {
      // Registered by an admin, whose requests count per client: the devices' buckets start empty.
      const noisy = await register('pi-noisy', ADMIN_KEY);
      const quiet = await register('pi-quiet', ADMIN_KEY);
      const statuses: number[] = [];
      let limited: Reply | undefined;
      for (let i = 0; i < DEVICE_RATE_LIMIT + 5; i++) {
        const reply = await heartbeat('pi-noisy', noisy);
        statuses.push(reply.status);
        if (reply.status === 429) limited = reply;
      }
      expect(statuses.filter((s) => s === 202)).toHaveLength(DEVICE_RATE_LIMIT);
      expect(statuses.filter((s) => s === 429)).toHaveLength(5);
      if (!limited) throw new Error('never limited');
      expectError(limited, 429, 'rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await heartbeat('pi-quiet', quiet)).status).toBe(202);
      // What was refused was not published: the queue holds exactly the accepted ones.
      expect((await ch.checkQueue(heartbeatQueue)).messageCount).toBe(DEVICE_RATE_LIMIT + 1);
    });
  });

  describe('validation at the edge', () => {
    it('refuses wrong types with 400, naming each bad field', async () => {
      const key = await register('pi-validate');
      const reply = await heartbeat('pi-validate', key, { status: 'sleepy', cpu_percent: 'high', containers_running: 1.5, sneaky: true });
      expectError(reply, 400, 'validation_failed');
      expect(Object.keys((reply.body.details as { fields: object }).fields).sort()).toEqual(['containers_running', 'cpu_percent', 'sneaky', 'status']);
    });

    it('refuses malformed JSON with 400 and a body over the limit with 413', async () => {
      const key = await register('pi-oversize');
      expectError(await call('POST', '/api/v1/devices/pi-oversize/heartbeat', { key, raw: '{"status":' }), 400, 'validation_failed');
      expectError(await heartbeat('pi-oversize', key, { status: 'healthy', current_commit_hash: 'a'.repeat(4000) }), 413, 'payload_too_large');
    });

    it('refuses a device id of the wrong shape with 400', async () => {
      const reply = await call('GET', `/api/v1/devices/${encodeURIComponent('bad id!')}`, { key: ADMIN_KEY });
      expectError(reply, 400, 'validation_failed');
      expect(reply.body.details).toEqual({ fields: { device_id: [expect.any(String)] } });
    });

    it('refuses an invalid registration naming the fields', async () => {
      const reply = await call('POST', '/api/v1/devices/register', { key: FLEET_KEY, body: { device_id: 'pi ok?', role: 7 } });
      expectError(reply, 400, 'validation_failed');
      expect(Object.keys((reply.body.details as { fields: object }).fields).sort()).toEqual(['device_id', 'hostname', 'role']);
    });
  });

  describe('credentials', () => {
    let keyA: string;

    beforeAll(async () => {
      keyA = await register('pi-a');
      await register('pi-b');
    });

    it('issues a device key when the fleet or admin key registers, and none when a device re-registers with its own', async () => {
      expect(keyA).toMatch(/^dk_/);
      const again = await call('POST', '/api/v1/devices/register', { key: keyA, body: { device_id: 'pi-a', hostname: 'pi-a.local', role: 'camera-dual' } });
      expect(again.status).toBe(200);
      expect(again.body.device_key).toBeNull();
      const issued = fleet.callsOf(FleetRpc.RegisterDevice).filter((c) => c.payload.device_id === 'pi-a').map((c) => c.payload.issue_key);
      expect(issued).toEqual([true, false]);
      expect(await register('pi-by-admin', ADMIN_KEY)).toMatch(/^dk_/);
    });

    it.each([
      ['no credentials', 'POST', '/api/v1/devices/pi-a/heartbeat', undefined],
      ['no credentials', 'GET', '/api/v1/devices', undefined],
      ['no credentials', 'GET', '/v1/devices/pi-a', undefined],
      ['no credentials', 'POST', '/v1/rollouts/00000000-0000-4000-8000-000000000000/halt', undefined],
      ['an unknown key', 'POST', '/api/v1/devices/pi-a/heartbeat', 'not-a-key-anyone-has'],
      ['an unknown key', 'GET', '/api/v1/devices/pi-a', 'not-a-key-anyone-has'],
      ['an empty key', 'GET', '/api/v1/devices/pi-a', ''],
    ])('answers 401 to %s: %s %s', async (_what, method, path, key) => {
      const reply = await call(method, path, { key, body: method === 'POST' ? { status: 'healthy' } : undefined });
      expectError(reply, 401, 'unauthorized');
    });

    it('remembers an unknown key briefly instead of asking fleet on every request', async () => {
      const before = fleet.callsOf(FleetRpc.AuthenticateDevice).filter((c) => c.payload.key_hash === sha256('guessed-key-123')).length;
      for (let i = 0; i < 5; i++) expectError(await heartbeat('pi-a', 'guessed-key-123'), 401, 'unauthorized');
      expect(fleet.callsOf(FleetRpc.AuthenticateDevice).filter((c) => c.payload.key_hash === sha256('guessed-key-123')).length - before).toBe(1);
    });

    it('takes an admin bearer token under /v1 but not on the fleet paths kept for devices', async () => {
      expect((await call('GET', '/v1/devices/pi-a', { bearer: token })).status).toBe(200);
      expectError(await call('GET', '/api/v1/devices/pi-a', { bearer: token }), 401, 'unauthorized');
      expectError(await call('GET', '/v1/devices/pi-a', { bearer: 'not.a.token' }), 401, 'unauthorized');
    });

    it.each([
      ['PATCH', '/api/v1/devices/pi-b/status', { status: 'failed' }],
      ['POST', '/api/v1/devices/pi-b/heartbeat', { status: 'healthy' }],
      ['GET', '/api/v1/devices/pi-b', undefined],
      ['GET', '/api/v1/devices/pi-b/events', undefined],
      ['GET', '/v1/devices/pi-b/heartbeats', undefined],
      ['GET', '/v1/devices/pi-b/updates', undefined],
      ['POST', '/v1/devices/pi-b/updates', { to_commit_hash: 'e4f5a6b', update_status: 'success' }],
      ['GET', '/v1/devices/pi-b/desired-state', undefined],
      ['POST', '/api/v1/devices/register', { device_id: 'pi-b', hostname: 'stolen.local', role: 'camera-dual' }],
    ])("refuses device A's key on device B's %s %s with 403", async (method, path, body) => {
      expectError(await call(method, path, { key: keyA, body }), 403, 'forbidden');
    });

    it.each([
      ['GET', '/api/v1/devices', undefined],
      ['GET', '/v1/devices', undefined],
      ['PATCH', '/v1/devices/pi-a', { maintenance_mode: true }],
      ['POST', '/v1/rollouts', { target_commit: 'e4f5a6b', segment: 'canary' }],
      ['GET', '/v1/rollouts', undefined],
      ['GET', '/v1/rollouts/00000000-0000-4000-8000-000000000000', undefined],
      ['POST', '/v1/rollouts/00000000-0000-4000-8000-000000000000/promote', { to_segment: 'stable' }],
      ['POST', '/v1/rollouts/00000000-0000-4000-8000-000000000000/halt', undefined],
    ])('keeps the admin-only %s %s from device keys and the fleet key (403), not from the admin key', async (method, path, body) => {
      expectError(await call(method, path, { key: keyA, body }), 403, 'forbidden');
      expectError(await call(method, path, { key: FLEET_KEY, body }), 403, 'forbidden');
      expect((await call(method, path, { key: ADMIN_KEY, body })).status).toBeLessThan(300);
      if (path.startsWith('/v1/')) expect((await call(method, path, { bearer: token, body })).status).toBeLessThan(300);
    });

    it('lets a device key do everything for its own device', async () => {
      const own = [
        await call('PATCH', '/api/v1/devices/pi-a/status', { key: keyA, body: { status: 'degraded', message: 'camera 2 not detected' } }),
        await call('GET', '/api/v1/devices/pi-a', { key: keyA }),
        await call('GET', '/api/v1/devices/pi-a/events?limit=5', { key: keyA }),
        await call('POST', '/api/v1/devices/pi-a/updates', { key: keyA, body: { to_commit_hash: 'e4f5a6b', update_status: 'success' } }),
        await call('GET', '/api/v1/devices/pi-a/updates', { key: keyA }),
        await call('GET', '/api/v1/devices/pi-a/heartbeats', { key: keyA }),
        await call('GET', '/api/v1/devices/pi-a/desired-state', { key: keyA }),
      ];
      expect(own.map((r) => r.status)).toEqual([200, 200, 200, 201, 200, 200, 200]);
    });

    it("refuses the fleet key Proctor's newer device routes, which need the device's own key", async () => {
      for (const [method, path] of [
        ['GET', '/api/v1/devices/pi-a/desired-state'],
        ['GET', '/api/v1/devices/pi-a/heartbeats'],
        ['POST', '/api/v1/devices/pi-a/updates'],
      ]) {
        expectError(await call(method, path, { key: FLEET_KEY, body: method === 'POST' ? { to_commit_hash: 'x', update_status: 'failed' } : undefined }), 403, 'forbidden');
      }
      expect((await call('PATCH', '/api/v1/devices/pi-a/status', { key: FLEET_KEY, body: { status: 'healthy' } })).status).toBe(200);
    });
  });

  describe('mapping HTTP to the fleet RPCs', () => {
    const lastCall = (pattern: FleetRpc) => fleet.callsOf(pattern).at(-1)?.payload;

    it('passes list filters with their types (maintenance=false is false) and the cursor', async () => {
      const reply = await call('GET', '/api/v1/devices?role=camera-dual&status=healthy&segment=canary&branch=main&maintenance=false&last_seen_before=2026-01-01T00:00:00Z&limit=2&cursor=abc_1', {
        key: ADMIN_KEY,
      });
      expect(reply.status).toBe(200);
      expect(lastCall(FleetRpc.ListDevices)).toEqual({
        role: 'camera-dual',
        status: 'healthy',
        segment: 'canary',
        branch: 'main',
        maintenance: false,
        last_seen_before: '2026-01-01T00:00:00.000Z',
        limit: 2,
        cursor: 'abc_1',
      });
      expectError(await call('GET', '/api/v1/devices?maintenance=perhaps', { key: ADMIN_KEY }), 400, 'validation_failed');
    });

    it('takes the device from the path for status, events, settings and updates', async () => {
      await call('PATCH', '/api/v1/devices/pi-map/status', { key: ADMIN_KEY, body: { status: 'failed', message: 'disk full' } });
      expect(lastCall(FleetRpc.UpdateStatus)).toEqual({ device_id: 'pi-map', status: 'failed', message: 'disk full' });
      await call('GET', '/v1/devices/pi-map/events?event_type=update&severity=error&limit=3', { key: ADMIN_KEY });
      expect(lastCall(FleetRpc.ListEvents)).toEqual({ device_id: 'pi-map', event_type: 'update', severity: 'error', limit: 3 });
      await call('PATCH', '/v1/devices/pi-map', { bearer: token, body: { version_lock: null, segment: 'beta', metadata: { rack: 4 } } });
      expect(lastCall(FleetRpc.UpdateSettings)).toEqual({ device_id: 'pi-map', version_lock: null, segment: 'beta', metadata: { rack: 4 } });
      const reported = await call('POST', '/v1/devices/pi-map/updates', { key: ADMIN_KEY, body: { from_commit_hash: 'a1', to_commit_hash: 'b2', update_status: 'rolled_back' } });
      expect(reported.status).toBe(201);
      expect(lastCall(FleetRpc.ReportUpdate)).toEqual({ device_id: 'pi-map', from_commit_hash: 'a1', to_commit_hash: 'b2', update_status: 'rolled_back' });
    });

    it('registers through POST /v1/devices with 201 for a dashboard', async () => {
      const reply = await call('POST', '/v1/devices', { bearer: token, body: { device_id: 'pi-dash', hostname: 'pi-dash.local', role: 'audio-player', segment: 'beta' } });
      expect(reply.status).toBe(201);
      expect(reply.body.device_key).toMatch(/^dk_/);
      expect(lastCall(FleetRpc.RegisterDevice)).toMatchObject({ device_id: 'pi-dash', issue_key: true });
    });

    it('answers a rollout 201, a dry run 200, and maps promote and halt', async () => {
      expect((await call('POST', '/v1/rollouts', { key: ADMIN_KEY, body: { target_commit: 'e4f5a6b', branch: 'main' } })).status).toBe(201);
      const dry = await call('POST', '/v1/rollouts', { key: ADMIN_KEY, body: { target_commit: 'e4f5a6b', segment: 'canary', dry_run: true } });
      expect(dry.status).toBe(200);
      expect(lastCall(FleetRpc.CreateRollout)).toEqual({ target_commit: 'e4f5a6b', segment: 'canary', dry_run: true });
      const id = '0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11';
      expect((await call('POST', `/v1/rollouts/${id}/promote`, { key: ADMIN_KEY, body: { to_segment: 'stable' } })).status).toBe(200);
      expect(lastCall(FleetRpc.PromoteRollout)).toEqual({ id, to_segment: 'stable' });
      expect((await call('POST', `/v1/rollouts/${id}/halt`, { key: ADMIN_KEY })).status).toBe(200);
      expect(lastCall(FleetRpc.HaltRollout)).toEqual({ id });
      expectError(await call('POST', '/v1/rollouts', { key: ADMIN_KEY, body: { target_commit: 'e4f5a6b' } }), 400, 'validation_failed');
      expectError(await call('GET', '/v1/rollouts/not-a-uuid', { key: ADMIN_KEY }), 400, 'validation_failed');
    });
  });

  describe('public routes and docs', () => {
    it('serves /health without credentials, like /healthz, and /metrics', async () => {
      expect(await call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('proctor_gateway_heartbeats_total');
    });

    it('documents the fleet paths and the X-API-Key scheme', async () => {
      const spec = (await (await fetch(`${base}/docs-json`)).json()) as { paths: Record<string, unknown>; components: { securitySchemes: Record<string, unknown> } };
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/devices/register',
          '/api/v1/devices/{device_id}/heartbeat',
          '/api/v1/devices',
          '/api/v1/devices/{device_id}',
          '/api/v1/devices/{device_id}/status',
          '/api/v1/devices/{device_id}/events',
          '/v1/devices/{device_id}/desired-state',
          '/v1/rollouts/{id}/promote',
          '/health',
        ]),
      );
      expect(spec.components.securitySchemes['api-key']).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    });
  });

  describe('a stricter gateway: FLEET_KEY_MAY_ACT_FOR_DEVICES=false, FLEET_UNKNOWN_KEYS_PER_MINUTE=3', () => {
    let strict: { app: INestApplication; base: string };
    let defaultBase: string;

    beforeAll(async () => {
      strict = await bootGateway(db, namespace, { FLEET_KEY_MAY_ACT_FOR_DEVICES: 'false', FLEET_UNKNOWN_KEYS_PER_MINUTE: '3' });
      defaultBase = base;
      base = strict.base;
    });

    afterAll(async () => {
      base = defaultBase;
      await strict?.app.close();
    });

    it('lets the fleet key only register devices: heartbeat and status for a device need its own key', async () => {
      const key = await register('pi-strict');
      expectError(await heartbeat('pi-strict', FLEET_KEY), 403, 'forbidden');
      expectError(await call('PATCH', '/api/v1/devices/pi-strict/status', { key: FLEET_KEY, body: { status: 'healthy' } }), 403, 'forbidden');
      expect((await call('PATCH', '/api/v1/devices/pi-strict/status', { key, body: { status: 'healthy' } })).status).toBe(200);
    });

    it('stops asking fleet about keys for an address that keeps guessing: 429, while keys it knows still work', async () => {
      const key = await register('pi-guessed-at');
      const asked = () => fleet.callsOf(FleetRpc.AuthenticateDevice).length;
      for (let i = 0; i < 3; i++) expectError(await call('GET', '/api/v1/devices/pi-guessed-at', { key: `guess-${i}` }), 401, 'unauthorized');
      const before = asked();
      const refused = await call('GET', '/api/v1/devices/pi-guessed-at', { key: 'guess-3' });
      expectError(refused, 429, 'rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(asked()).toBe(before);
      expect((await call('GET', '/api/v1/devices/pi-guessed-at', { key })).status).toBe(200);
    });
  });

  describe('heartbeats that arrive together (a second gateway, publishing what arrives within 100 ms as one message)', () => {
    let batching: { app: INestApplication; base: string };
    const heartbeatVia = async (deviceId: string, key: string, body: object = { status: 'healthy', cpu_percent: 12.5 }): Promise<Reply> => {
      const res = await fetch(`${batching.base}/api/v1/devices/${deviceId}/heartbeat`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as Reply['body'] };
    };
    const drainQueue = async () => {
      const messages: amqp.GetMessage[] = [];
      for (let msg = await ch.get(heartbeatQueue, { noAck: true }); msg; msg = await ch.get(heartbeatQueue, { noAck: true })) messages.push(msg);
      return messages;
    };

    beforeAll(async () => {
      batching = await bootGateway(db, namespace, { HEARTBEAT_PUBLISH_WAIT_MS: '100' });
    });
    afterAll(() => batching?.app.close());
    beforeEach(() => ch.purgeQueue(heartbeatQueue));

    it('publishes them as one persistent batch message, and answers each 202 only once that message is confirmed', async () => {
      const keys = { 'pi-batch-a': await register('pi-batch-a'), 'pi-batch-b': await register('pi-batch-b') };
      // Each key known to this gateway first, so that the heartbeats below all arrive within one window.
      for (const [deviceId, key] of Object.entries(keys)) expect((await heartbeatVia(deviceId, key)).status).toBe(202);
      await ch.purgeQueue(heartbeatQueue);
      const sent = Object.entries(keys).flatMap(([deviceId, key]) => [0, 1, 2].map((i) => ({ deviceId, key, body: { status: 'healthy', containers_running: i } })));
      const replies = await Promise.all(sent.map(({ deviceId, key, body }) => heartbeatVia(deviceId, key, body)));
      expect(replies.map((r) => r.status)).toEqual(sent.map(() => 202));
      // No waiting: every confirmed message is in the queue when the answers leave.
      const messages = await drainQueue();
      expect(messages).toHaveLength(1);
      const [msg] = messages;
      expect(msg.fields.routingKey).toBe('device.heartbeat');
      expect(msg.properties).toMatchObject({ type: HeartbeatMessageType.Batch, deliveryMode: 2, contentType: 'application/json', messageId: expect.any(String) });
      const { heartbeats } = JSON.parse(msg.content.toString('utf8')) as { heartbeats: Record<string, unknown>[] };
      expect(heartbeats.map((h) => h.heartbeat_id).sort()).toEqual(replies.map((r) => r.body.heartbeat_id).sort());
      expect(heartbeats).toEqual(
        expect.arrayContaining(sent.map(({ deviceId, body }) => ({ ...body, device_id: deviceId, heartbeat_id: expect.any(String), received_at: expect.any(String) }))),
      );
    });

    it('answers 503 to every heartbeat of a batch that no queue takes, and 202 to none', async () => {
      const key = await register('pi-batch-c');
      expect((await heartbeatVia('pi-batch-c', key)).status).toBe(202);
      const batchSizes = async () => {
        const text = await (await fetch(`${batching.base}/metrics`)).text();
        const read = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
        return { messages: read('proctor_gateway_heartbeat_batch_size_count'), heartbeats: read('proctor_gateway_heartbeat_batch_size_sum') };
      };
      await ch.unbindQueue(heartbeatQueue, names.reportsExchange, FleetReport.Heartbeat);
      try {
        const before = await batchSizes();
        const replies = await Promise.all([0, 1, 2, 3].map(() => heartbeatVia('pi-batch-c', key)));
        for (const reply of replies) expectError(reply, 503, 'service_unavailable');
        // They went as one message, which no queue took: one refusal answered all four.
        expect(await batchSizes()).toEqual({ messages: before.messages + 1, heartbeats: before.heartbeats + 4 });
      } finally {
        await ch.bindQueue(heartbeatQueue, names.reportsExchange, FleetReport.Heartbeat);
      }
    });
  });
});
