import { secretDigest } from '@proctor/auth';
import { AuthenticatedDevice, DeviceEventView, DeviceView, FleetEvent, FleetRpc, Page, ProctorError, RegisteredDeviceView } from '@proctor/contracts';
import { pendingSchemaChanges } from '@proctor/persistence';
import { serviceTest } from '@proctor/testing';
import { DataSource } from 'typeorm';
import { FLEET_SERVICE } from '../fleet.service-definition';

describe('fleet service over RPC (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(FLEET_SERVICE);

  const fail = (pattern: string, body: object) => ctx.rpc.call(pattern, body).then(
    () => Promise.reject(new Error(`${pattern} succeeded`)),
    (e: unknown) => e as ProctorError,
  );
  const authenticate = (key: string) => ctx.rpc.call<AuthenticatedDevice>(FleetRpc.AuthenticateDevice, { key_hash: secretDigest(key) });
  const ids = async (filter: object) => (await ctx.rpc.call<Page<DeviceView>>(FleetRpc.ListDevices, filter)).items.map((d) => d.device_id);
  const events = async (deviceId: string, filter: object = {}) =>
    (await ctx.rpc.call<Page<DeviceEventView>>(FleetRpc.ListEvents, { device_id: deviceId, ...filter })).items;
  const register = (body: Record<string, unknown>) => ctx.rpc.call<RegisteredDeviceView>(FleetRpc.RegisterDevice, { issue_key: false, ...body });

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
    const fetched = await ctx.rpc.call<DeviceView>(FleetRpc.GetDevice, { device_id: 'test-device-01' });
    expect(fetched).toEqual({ ...registered, device_key: undefined });
    expect(fetched).not.toHaveProperty('device_key');
  });

  it('updates a device that registers again, keeping what it left out and what operators set', async () => {
    const first = await register({ device_id: 'pi-again', hostname: 'old.local', role: 'audio-player', branch: 'develop', segment: 'beta', ip_address: '10.0.0.1' });
    await ctx.db.query(`UPDATE fleet.devices SET maintenance_mode = true WHERE device_id = 'pi-again'`);
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
    expect(await ctx.db.query(`SELECT 1 FROM fleet.devices WHERE device_id = 'pi-again'`)).toHaveLength(1);
  });

  it('writes the registered event to the outbox in the same transaction, at every registration', async () => {
    await register({ device_id: 'pi-outbox', hostname: 'o.local', role: 'camera-dual', segment: 'canary' });
    await register({ device_id: 'pi-outbox', hostname: 'o.local', role: 'camera-dual', segment: 'beta' });
    const rows = await ctx.db.query<{ routing_key: string; payload: unknown }>(
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
    expect(await ctx.db.query(`SELECT 1 FROM fleet.devices WHERE device_id = 'pi-bad'`)).toEqual([]);
  });

  it('lists newest first with cursor pagination and no duplicates', async () => {
    for (const n of [1, 2, 3]) await register({ device_id: `pi-page-${n}`, hostname: `p${n}.local`, role: 'pager' });
    const first = await ctx.rpc.call<Page<DeviceView>>(FleetRpc.ListDevices, { limit: 2 });
    expect(first.items.map((d) => d.device_id)).toEqual(['pi-page-3', 'pi-page-2']);
    const all = [...first.items];
    let cursor = first.next_cursor;
    while (cursor) {
      const page: Page<DeviceView> = await ctx.rpc.call(FleetRpc.ListDevices, { limit: 2, cursor });
      all.push(...page.items);
      cursor = page.next_cursor;
    }
    const ids = all.map((d) => d.device_id);
    expect(new Set(ids).size).toBe(ids.length);
    const [{ count }] = await ctx.db.query<{ count: string }>('SELECT count(*) FROM fleet.devices');
    expect(ids).toHaveLength(Number(count));
    const times = all.map((d) => d.created_at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by role, segment and status, together', async () => {
    await register({ device_id: 'pi-f-1', hostname: 'f1.local', role: 'sensor', segment: 'canary' });
    await register({ device_id: 'pi-f-2', hostname: 'f2.local', role: 'sensor', segment: 'stable' });
    await register({ device_id: 'pi-f-3', hostname: 'f3.local', role: 'gateway', segment: 'canary' });
    await ctx.db.query(`UPDATE fleet.devices SET status = 'healthy' WHERE device_id IN ('pi-f-1', 'pi-f-3')`);
    const ids = async (filter: object) => (await ctx.rpc.call<Page<DeviceView>>(FleetRpc.ListDevices, filter)).items.map((d) => d.device_id);
    expect(await ids({ role: 'sensor' })).toEqual(['pi-f-2', 'pi-f-1']);
    expect(await ids({ role: 'sensor', segment: 'canary' })).toEqual(['pi-f-1']);
    expect(await ids({ status: 'healthy' })).toEqual(['pi-f-3', 'pi-f-1']);
    expect(await ids({ status: 'failed' })).toEqual([]);
  });

  it('answers device_not_found for an unknown device', async () => {
    const error = (await ctx.rpc.call(FleetRpc.GetDevice, { device_id: 'pi-nowhere' }).catch((e: unknown) => e)) as ProctorError;
    expect(error.code).toBe('device_not_found');
  });

  it('issues a device key at registration with the fleet key, keeps only its SHA-256, and answers it once', async () => {
    const registered = await register({ device_id: 'pi-key', hostname: 'k.local', role: 'sensor', issue_key: true });
    expect(registered.device_key).toMatch(/^pdk_[A-Za-z0-9_-]{43}$/);
    const key = registered.device_key as string;
    const [row] = await ctx.db.query<{ key_hash: string }>(`SELECT key_hash FROM fleet.devices WHERE device_id = 'pi-key'`);
    expect(row.key_hash).toBe(secretDigest(key));
    const [{ n }] = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT d::text AS t FROM fleet.devices d UNION ALL SELECT e::text FROM fleet.device_events e UNION ALL SELECT o::text FROM fleet.outbox o) x
        WHERE strpos(t, $1) > 0`,
      [key],
    );
    expect(n).toBe(0);
    expect(await authenticate(key)).toEqual({ device_id: 'pi-key' });
    expect(await ctx.rpc.call(FleetRpc.GetDevice, { device_id: 'pi-key' })).not.toHaveProperty('key_hash');
  });

  it('keeps the key when the device registers again with it, and revokes it when a new one is issued', async () => {
    const first = (await register({ device_id: 'pi-rekey', hostname: 'r.local', role: 'sensor', issue_key: true })).device_key as string;
    const again = await register({ device_id: 'pi-rekey', hostname: 'r2.local', role: 'sensor', issue_key: false });
    expect(again.device_key).toBeNull();
    expect(await authenticate(first)).toEqual({ device_id: 'pi-rekey' });
    const second = (await register({ device_id: 'pi-rekey', hostname: 'r.local', role: 'sensor', issue_key: true })).device_key as string;
    expect(second).not.toBe(first);
    expect((await fail(FleetRpc.AuthenticateDevice, { key_hash: secretDigest(first) })).code).toBe('device_key_invalid');
    expect(await authenticate(second)).toEqual({ device_id: 'pi-rekey' });
  });

  it('gives each device its own key: one device key never speaks for another', async () => {
    const a = (await register({ device_id: 'pi-a', hostname: 'a.local', role: 'sensor', issue_key: true })).device_key as string;
    const b = (await register({ device_id: 'pi-b', hostname: 'b.local', role: 'sensor', issue_key: true })).device_key as string;
    expect(await authenticate(a)).toEqual({ device_id: 'pi-a' });
    expect(await authenticate(b)).toEqual({ device_id: 'pi-b' });
  });

  it('answers device_key_invalid for an unknown key, and validation_failed for what is not a SHA-256 hex', async () => {
    expect((await fail(FleetRpc.AuthenticateDevice, { key_hash: secretDigest('pdk_made_up') })).code).toBe('device_key_invalid');
    expect((await fail(FleetRpc.AuthenticateDevice, { key_hash: 'pdk_plain_key' })).code).toBe('validation_failed');
    expect((await fail(FleetRpc.RegisterDevice, { device_id: 'pi-nokey', hostname: 'n.local', role: 'sensor' })).code).toBe('validation_failed');
    expect(await ctx.db.query(`SELECT 1 FROM fleet.devices WHERE device_id = 'pi-nokey'`)).toEqual([]);
  });

  it('records each registration as a device event', async () => {
    await register({ device_id: 'pi-ev', hostname: 'e.local', role: 'sensor' });
    await register({ device_id: 'pi-ev', hostname: 'e.local', role: 'sensor', issue_key: true });
    expect((await events('pi-ev')).map((e) => [e.event_type, e.message, e.details.key_issued])).toEqual([
      ['registration', 'device registered again', true],
      ['registration', 'device registered', false],
    ]);
  });

  it('takes a status the device reports: seen now, back online from offline, every report an event, a change announced', async () => {
    await register({ device_id: 'pi-st', hostname: 's.local', role: 'sensor' });
    const healthy = await ctx.rpc.call<DeviceView>(FleetRpc.UpdateStatus, { device_id: 'pi-st', status: 'healthy' });
    expect(healthy.status).toBe('healthy');
    expect(healthy.last_seen).not.toBeNull();
    await ctx.rpc.call(FleetRpc.UpdateStatus, { device_id: 'pi-st', status: 'degraded', message: 'camera 2 not detected' });
    await ctx.rpc.call(FleetRpc.UpdateStatus, { device_id: 'pi-st', status: 'degraded', message: 'still no camera 2' });
    expect((await events('pi-st', { event_type: 'status_change' })).map((e) => [e.severity, e.message])).toEqual([
      ['warning', 'still no camera 2'],
      ['warning', 'camera 2 not detected'],
    ]);
    expect((await events('pi-st', { event_type: 'online' })).map((e) => e.message)).toEqual(['device back online, healthy']);
    const outbox = await ctx.db.query(`SELECT routing_key FROM fleet.outbox WHERE payload->>'device_id' = 'pi-st' ORDER BY id`);
    expect(outbox).toEqual([
      { routing_key: FleetEvent.DeviceRegistered },
      { routing_key: FleetEvent.DeviceOnline },
      { routing_key: FleetEvent.DeviceStatusChanged },
    ]);
  });

  it('refuses a status a device cannot report of itself, and an unknown device, changing nothing', async () => {
    await register({ device_id: 'pi-st2', hostname: 's.local', role: 'sensor' });
    expect((await fail(FleetRpc.UpdateStatus, { device_id: 'pi-st2', status: 'offline' })).code).toBe('validation_failed');
    expect((await fail(FleetRpc.UpdateStatus, { device_id: 'pi-nowhere', status: 'healthy' })).code).toBe('device_not_found');
    expect(await ctx.db.query(`SELECT status FROM fleet.devices WHERE device_id = 'pi-st2'`)).toEqual([{ status: 'offline' }]);
    expect(await ctx.db.query(`SELECT 1 FROM fleet.device_events WHERE device_id = 'pi-nowhere'`)).toEqual([]);
  });

  it('changes settings an admin sets, recording maintenance and the other changes as events', async () => {
    await register({ device_id: 'pi-set', hostname: 's.local', role: 'sensor' });
    const changed = await ctx.rpc.call<DeviceView>(FleetRpc.UpdateSettings, {
      device_id: 'pi-set',
      maintenance_mode: true,
      version_lock: 'a1b2c3d',
      metadata: { board: 'pi4' },
    });
    expect(changed).toMatchObject({ maintenance_mode: true, version_lock: 'a1b2c3d', metadata: { board: 'pi4' }, update_enabled: true });
    const unlocked = await ctx.rpc.call<DeviceView>(FleetRpc.UpdateSettings, { device_id: 'pi-set', version_lock: null });
    expect(unlocked.version_lock).toBeNull();
    // The first change wrote its two events in one statement, at one instant: their order is not defined.
    expect((await events('pi-set')).map((e) => e.event_type).sort()).toEqual(['maintenance', 'registration', 'settings', 'settings']);
  });

  it('refuses settings of the wrong type, and of an unknown device, changing nothing', async () => {
    await register({ device_id: 'pi-set2', hostname: 's.local', role: 'sensor' });
    const error = await fail(FleetRpc.UpdateSettings, { device_id: 'pi-set2', maintenance_mode: 'yes', segment: 'gamma' });
    expect(error.code).toBe('validation_failed');
    expect(Object.keys((error.details as { fields: object }).fields).sort()).toEqual(['maintenance_mode', 'segment']);
    expect((await fail(FleetRpc.UpdateSettings, { device_id: 'pi-nowhere', maintenance_mode: true })).code).toBe('device_not_found');
    expect(await ctx.db.query(`SELECT maintenance_mode, segment FROM fleet.devices WHERE device_id = 'pi-set2'`)).toEqual([{ maintenance_mode: false, segment: 'stable' }]);
    expect((await events('pi-set2')).map((e) => e.event_type)).toEqual(['registration']);
  });

  it('answers device_not_found for the events of an unknown device', async () => {
    expect((await fail(FleetRpc.ListEvents, { device_id: 'pi-nowhere' })).code).toBe('device_not_found');
  });

  it('filters by branch, maintenance and last seen', async () => {
    await register({ device_id: 'pi-b-1', hostname: 'b1.local', role: 'filter', branch: 'develop' });
    await register({ device_id: 'pi-b-2', hostname: 'b2.local', role: 'filter', branch: 'develop' });
    await register({ device_id: 'pi-b-3', hostname: 'b3.local', role: 'filter', branch: 'main' });
    await ctx.db.query(`UPDATE fleet.devices SET maintenance_mode = true WHERE device_id = 'pi-b-2'`);
    await ctx.db.query(`UPDATE fleet.devices SET last_seen = '2026-01-01T00:00:00Z' WHERE device_id = 'pi-b-1'`);
    await ctx.db.query(`UPDATE fleet.devices SET last_seen = '2026-06-01T00:00:00Z' WHERE device_id = 'pi-b-3'`);
    expect(await ids({ role: 'filter', branch: 'develop' })).toEqual(['pi-b-2', 'pi-b-1']);
    expect(await ids({ role: 'filter', maintenance: true })).toEqual(['pi-b-2']);
    expect(await ids({ role: 'filter', maintenance: false })).toEqual(['pi-b-3', 'pi-b-1']);
    expect(await ids({ role: 'filter', last_seen_before: '2026-03-01T00:00:00Z' })).toEqual(['pi-b-1']);
    expect(await ids({ role: 'filter', last_seen_after: '2026-03-01T00:00:00Z' })).toEqual(['pi-b-3']);
    expect((await fail(FleetRpc.ListDevices, { last_seen_after: 'yesterday' })).code).toBe('validation_failed');
  });

  it('pages through equal created_at by device_id, the cursor at each boundary, each item the device as get answers it', async () => {
    for (const n of [1, 2, 3, 4, 5]) await register({ device_id: `pi-tie-${n}`, hostname: `t${n}.local`, role: 'tie' });
    // Three devices created in the same millisecond, one later, one earlier; one never seen, one with metadata.
    await ctx.db.query(`UPDATE fleet.devices SET created_at = '2026-05-01T12:00:00.250Z' WHERE device_id IN ('pi-tie-1', 'pi-tie-3', 'pi-tie-5')`);
    await ctx.db.query(`UPDATE fleet.devices SET created_at = '2026-05-01T12:00:00.251Z' WHERE device_id = 'pi-tie-2'`);
    await ctx.db.query(`UPDATE fleet.devices SET created_at = '2026-05-01T12:00:00.249Z', metadata = '{"rack": "b7", "n": [1, 2]}' WHERE device_id = 'pi-tie-4'`);
    await ctx.db.query(`UPDATE fleet.devices SET last_seen = '2026-05-02T00:00:00.007Z', status = 'healthy' WHERE device_id = 'pi-tie-3'`);
    const expected = ['pi-tie-2', 'pi-tie-5', 'pi-tie-3', 'pi-tie-1', 'pi-tie-4'];
    for (const limit of [1, 2, 3, 5]) {
      const seen: DeviceView[] = [];
      let cursor: string | null | undefined;
      do {
        const page: Page<DeviceView> = await ctx.rpc.call(FleetRpc.ListDevices, { role: 'tie', limit, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      expect([limit, seen.map((d) => d.device_id)]).toEqual([limit, expected]);
    }
    const page = await ctx.rpc.call<Page<DeviceView>>(FleetRpc.ListDevices, { role: 'tie' });
    for (const item of page.items) {
      // The same fields in the same order as the single-device view: the JSON is the same text.
      expect(JSON.stringify(item)).toBe(JSON.stringify(await ctx.rpc.call<DeviceView>(FleetRpc.GetDevice, { device_id: item.device_id })));
    }
    expect(page.items.find((d) => d.device_id === 'pi-tie-3')?.last_seen).toBe('2026-05-02T00:00:00.007Z');
    expect(page.items.find((d) => d.device_id === 'pi-tie-1')?.last_seen).toBeNull();
    expect(page.items.find((d) => d.device_id === 'pi-tie-4')?.metadata).toEqual({ rack: 'b7', n: [1, 2] });
    expect(await ids({ role: 'tie', status: 'healthy', last_seen_after: '2026-05-01T23:59:59.999Z' })).toEqual(['pi-tie-3']);
    expect(await ids({ role: 'tie', status: 'healthy', last_seen_after: '2026-05-02T00:00:00.007Z' })).toEqual([]);
    expect((await fail(FleetRpc.ListDevices, { role: 'tie', cursor: 'bm90LWEtY3Vyc29y' })).code).toBe('validation_failed');
  });

  it('has an index for each list filter, led by its column and ordered like the pages', async () => {
    const indexes = await ctx.db.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'fleet' AND tablename = 'devices'`);
    for (const column of ['role', 'status', 'segment', 'branch', 'maintenance_mode', 'last_seen']) {
      expect([column, indexes.some((i) => i.indexdef.includes(`(${column}, created_at, device_id)`))]).toEqual([column, true]);
    }
  });

  it('has migrations that match its entities', async () => {
    expect(await pendingSchemaChanges(ctx.service.app.get(DataSource))).toEqual([]);
  });
});
