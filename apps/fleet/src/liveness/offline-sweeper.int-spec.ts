import { DeviceView, FleetEvent, FleetReport, FleetRpc } from '@proctor/contracts';
import { expectEventually, serviceTest, TEST_AMQP_URL } from '@proctor/testing';
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { FLEET_SERVICE } from '../fleet.service-definition';
import { OfflineSweeper } from './offline-sweeper';

describe('devices going offline and coming back (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(FLEET_SERVICE, {
    env: { FLEET_OFFLINE_AFTER_SECONDS: '1', FLEET_SWEEP_INTERVAL_MS: '100' },
  });
  const { names } = ctx;
  let broker: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;

  const register = (deviceId: string) =>
    ctx.rpc.call(FleetRpc.RegisterDevice, { device_id: deviceId, hostname: `${deviceId}.local`, role: 'sensor', issue_key: false });
  const publishHeartbeat = async (deviceId: string) => {
    const heartbeatId = randomUUID();
    const body = { heartbeat_id: heartbeatId, device_id: deviceId, status: 'healthy', received_at: new Date().toISOString() };
    channel.publish(names.reportsExchange, FleetReport.Heartbeat, Buffer.from(JSON.stringify(body)), { messageId: heartbeatId, persistent: true, mandatory: true });
    await channel.waitForConfirms();
  };
  const statusOf = async (deviceId: string) => (await ctx.rpc.call<DeviceView>(FleetRpc.GetDevice, { device_id: deviceId })).status;
  const eventsOf = (deviceId: string) =>
    ctx.db.query<{ event_type: string }>(`SELECT event_type FROM fleet.device_events WHERE device_id = $1 AND event_type IN ('online', 'offline') ORDER BY created_at`, [
      deviceId,
    ]);
  const outboxOf = (deviceId: string) =>
    ctx.db.query<{ routing_key: string }>(`SELECT routing_key FROM fleet.outbox WHERE payload->>'device_id' = $1 AND routing_key <> $2 ORDER BY id`, [
      deviceId,
      FleetEvent.DeviceRegistered,
    ]);
  /** Healthy, but last seen an hour ago: overdue for the next sweep. */
  const overdue = async (deviceIds: string[]) => {
    await ctx.db.query(`UPDATE fleet.devices SET status = 'healthy', last_seen = now() - interval '1 hour' WHERE device_id = ANY($1)`, [deviceIds]);
  };

  beforeAll(async () => {
    broker = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
    channel = await broker.createConfirmChannel();
  });

  afterAll(async () => {
    await broker?.close();
  });

  it('marks a silent device offline past its threshold, and online again at its next heartbeat, announcing both', async () => {
    await register('pi-silent');
    await publishHeartbeat('pi-silent');
    await expectEventually(async () => expect(await statusOf('pi-silent')).toBe('healthy'));
    await expectEventually(async () => expect(await statusOf('pi-silent')).toBe('offline'), { timeoutMs: 5000 });
    await publishHeartbeat('pi-silent');
    await expectEventually(async () => expect(await statusOf('pi-silent')).toBe('healthy'));
    expect(await eventsOf('pi-silent')).toEqual([{ event_type: 'online' }, { event_type: 'offline' }, { event_type: 'online' }]);
    expect(await outboxOf('pi-silent')).toEqual([
      { routing_key: FleetEvent.DeviceOnline },
      { routing_key: FleetEvent.DeviceOffline },
      { routing_key: FleetEvent.DeviceOnline },
    ]);
  });

  it('never marks a device in maintenance offline', async () => {
    await register('pi-maint');
    await register('pi-plain');
    await ctx.rpc.call(FleetRpc.UpdateSettings, { device_id: 'pi-maint', maintenance_mode: true });
    await overdue(['pi-maint', 'pi-plain']);
    await ctx.service.app.get(OfflineSweeper).sweep();
    await expectEventually(async () => expect(await statusOf('pi-plain')).toBe('offline'));
    expect(await statusOf('pi-maint')).toBe('healthy');
    expect(await eventsOf('pi-maint')).toEqual([]);
  });

  it('announces each device once when sweeps run side by side, as two replicas would', async () => {
    const devices = Array.from({ length: 20 }, (_, i) => `pi-race-${i}`);
    for (const d of devices) await register(d);
    await overdue(devices);
    const sweeper = ctx.service.app.get(OfflineSweeper);
    await Promise.all([sweeper.sweep(), sweeper.sweep(), sweeper.sweep()]);
    await expectEventually(async () => {
      const [{ n }] = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM fleet.devices WHERE device_id = ANY($1) AND status = 'offline'`, [devices]);
      expect(n).toBe(20);
    });
    const events = await ctx.db.query<{ device_id: string; n: number }>(
      `SELECT device_id, count(*)::int AS n FROM fleet.device_events WHERE device_id = ANY($1) AND event_type = 'offline' GROUP BY device_id`,
      [devices],
    );
    expect(events.map((e) => e.n)).toEqual(Array(20).fill(1));
    const [{ n }] = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM fleet.outbox WHERE routing_key = $1 AND payload->>'device_id' = ANY($2)`, [
      FleetEvent.DeviceOffline,
      devices,
    ]);
    expect(n).toBe(20);
  });
});
