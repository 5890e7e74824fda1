import { DeviceView, FleetEvent, FleetRpc, Page, ProctorError } from '@proctor/contracts';
import { RpcClient } from '@proctor/messaging';
import { pendingSchemaChanges } from '@proctor/persistence';
import {
  createTestDatabase,
  deleteBrokerNames,
  namespaceBrokerNames,
  RunningService,
  startRpcClient,
  startService,
  TestDatabase,
  testNamespace,
} from '@proctor/testing';
import { DataSource } from 'typeorm';
import { FLEET_SERVICE } from '../fleet.service-definition';

describe('fleet service over RPC (real Postgres and RabbitMQ)', () => {
  const namespace = testNamespace();
  let db: TestDatabase;
  let service: RunningService;
  let client: { rpc: RpcClient; close(): Promise<void> };

  const register = (body: Record<string, unknown>) => client.rpc.call<DeviceView>(FleetRpc.RegisterDevice, body);

  beforeAll(async () => {
    db = await createTestDatabase(['fleet']);
    service = await startService(FLEET_SERVICE, { db, namespace });
    client = await startRpcClient(namespace);
  });

  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await db?.drop();
    const names = namespaceBrokerNames(namespace, ['fleet']);
    await deleteBrokerNames(names.queues, names.exchanges);
  });

  it('registers a device, as the seed does, that get returns by device_id', async () => {
    const registered = await register({
      device_id: 'test-device-01',
      hostname: 'test-01.local',
      role: 'camera-dual',
      branch: 'main',
      ip_address: '192.168.1.100',
    });
    expect(registered).toMatchObject({
      device_id: 'test-device-01',
      hostname: 'test-01.local',
      role: 'camera-dual',
      branch: 'main',
      segment: 'stable',
      status: 'offline',
      ip_address: '192.168.1.100',
      last_seen: null,
      maintenance_mode: false,
      update_enabled: true,
      version_lock: null,
      metadata: {},
    });
    const fetched = await client.rpc.call<DeviceView>(FleetRpc.GetDevice, { device_id: 'test-device-01' });
    expect(fetched).toEqual(registered);
  });

  it('updates a device that registers again, keeping what it left out and what operators set', async () => {
    const first = await register({ device_id: 'pi-again', hostname: 'old.local', role: 'audio-player', branch: 'develop', segment: 'beta', ip_address: '10.0.0.1' });
    await db.query(`UPDATE fleet.devices SET maintenance_mode = true WHERE device_id = 'pi-again'`);
    const again = await register({ device_id: 'pi-again', hostname: 'new.local', role: 'camera-dual' });
    expect(again).toMatchObject({
      hostname: 'new.local',
      role: 'camera-dual',
      branch: 'develop',
      segment: 'beta',
      ip_address: '10.0.0.1',
      maintenance_mode: true,
      created_at: first.created_at,
    });
    expect(await db.query(`SELECT 1 FROM fleet.devices WHERE device_id = 'pi-again'`)).toHaveLength(1);
  });

  it('writes the registered event to the outbox in the same transaction, at every registration', async () => {
    await register({ device_id: 'pi-outbox', hostname: 'o.local', role: 'camera-dual', segment: 'canary' });
    await register({ device_id: 'pi-outbox', hostname: 'o.local', role: 'camera-dual', segment: 'beta' });
    const rows = await db.query<{ routing_key: string; payload: unknown }>(
      `SELECT routing_key, payload FROM fleet.outbox WHERE payload->>'device_id' = 'pi-outbox' ORDER BY id`,
    );
    expect(rows).toEqual([
      { routing_key: FleetEvent.DeviceRegistered, payload: { device_id: 'pi-outbox', role: 'camera-dual', segment: 'canary' } },
      { routing_key: FleetEvent.DeviceRegistered, payload: { device_id: 'pi-outbox', role: 'camera-dual', segment: 'beta' } },
    ]);
  });

  it('answers validation_failed for a bad payload, naming the field, and stores nothing', async () => {
    const error = (await register({ device_id: 'pi-bad', hostname: 'bad.local', role: 'camera-dual', ip_address: 'not-an-ip' }).catch(
      (e: unknown) => e,
    )) as ProctorError;
    expect(error).toBeInstanceOf(ProctorError);
    expect(error.code).toBe('validation_failed');
    expect(Object.keys((error.details as { fields: object }).fields)).toEqual(['ip_address']);
    expect(await db.query(`SELECT 1 FROM fleet.devices WHERE device_id = 'pi-bad'`)).toEqual([]);
  });

  it('lists newest first with cursor pagination and no duplicates', async () => {
    for (const n of [1, 2, 3]) await register({ device_id: `pi-page-${n}`, hostname: `p${n}.local`, role: 'pager' });
    const first = await client.rpc.call<Page<DeviceView>>(FleetRpc.ListDevices, { limit: 2 });
    expect(first.items.map((d) => d.device_id)).toEqual(['pi-page-3', 'pi-page-2']);
    const all = [...first.items];
    let cursor = first.next_cursor;
    while (cursor) {
      const page: Page<DeviceView> = await client.rpc.call(FleetRpc.ListDevices, { limit: 2, cursor });
      all.push(...page.items);
      cursor = page.next_cursor;
    }
    const ids = all.map((d) => d.device_id);
    expect(new Set(ids).size).toBe(ids.length);
    const [{ count }] = await db.query<{ count: string }>('SELECT count(*) FROM fleet.devices');
    expect(ids).toHaveLength(Number(count));
    const times = all.map((d) => d.created_at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by role, segment and status, together', async () => {
    await register({ device_id: 'pi-f-1', hostname: 'f1.local', role: 'sensor', segment: 'canary' });
    await register({ device_id: 'pi-f-2', hostname: 'f2.local', role: 'sensor', segment: 'stable' });
    await register({ device_id: 'pi-f-3', hostname: 'f3.local', role: 'gateway', segment: 'canary' });
    await db.query(`UPDATE fleet.devices SET status = 'healthy' WHERE device_id IN ('pi-f-1', 'pi-f-3')`);
    const ids = async (filter: object) => (await client.rpc.call<Page<DeviceView>>(FleetRpc.ListDevices, filter)).items.map((d) => d.device_id);
    expect(await ids({ role: 'sensor' })).toEqual(['pi-f-2', 'pi-f-1']);
    expect(await ids({ role: 'sensor', segment: 'canary' })).toEqual(['pi-f-1']);
    expect(await ids({ status: 'healthy' })).toEqual(['pi-f-3', 'pi-f-1']);
    expect(await ids({ status: 'failed' })).toEqual([]);
  });

  it('answers device_not_found for an unknown device', async () => {
    const error = (await client.rpc.call(FleetRpc.GetDevice, { device_id: 'pi-nowhere' }).catch((e: unknown) => e)) as ProctorError;
    expect(error.code).toBe('device_not_found');
  });

  it('has migrations that match its entities', async () => {
    expect(await pendingSchemaChanges(service.app.get(DataSource))).toEqual([]);
  });
});
