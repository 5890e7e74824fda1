import { FleetEvent, FleetReport, FleetRpc, HeartbeatMessageType, HeartbeatView, Page, ProctorError } from '@proctor/contracts';
import { MetricsService } from '@proctor/observability';
import { expectEventually, serviceTest, startService, TEST_AMQP_URL } from '@proctor/testing';
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { FLEET_SERVICE } from '../fleet.service-definition';
import { heartbeatQueue } from './heartbeat-consumer';

type Heartbeat = Record<string, unknown> & { heartbeat_id: string; device_id: string };

describe('heartbeats published to the reports exchange (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(FLEET_SERVICE, { });
  const { names } = ctx;
  const queue = heartbeatQueue(names);
  let broker: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;

  const start = () => startService(FLEET_SERVICE, { db: ctx.db, namespace: ctx.namespace });
  const register = (deviceId: string) =>
    ctx.rpc.call(FleetRpc.RegisterDevice, { device_id: deviceId, hostname: `${deviceId}.local`, role: 'sensor', issue_key: false });
  const heartbeat = (deviceId: string, over: Record<string, unknown> = {}): Heartbeat => ({
    heartbeat_id: randomUUID(),
    device_id: deviceId,
    status: 'healthy',
    received_at: new Date().toISOString(),
    ...over,
  });
  /** As the gateway publishes: persistent, mandatory, messageId = heartbeat_id, confirmed. */
  const publish = async (...heartbeats: object[]) => {
    for (const h of heartbeats) {
      const id = (h as { heartbeat_id?: string }).heartbeat_id ?? randomUUID();
      channel.publish(names.reportsExchange, FleetReport.Heartbeat, Buffer.from(JSON.stringify(h)), {
        messageId: id,
        persistent: true,
        mandatory: true,
        contentType: 'application/json',
      });
    }
    await channel.waitForConfirms();
  };
  /** As a batching gateway publishes several heartbeats: one message of type HeartbeatMessageType.Batch. */
  const publishBatch = async (body: object) => {
    channel.publish(names.reportsExchange, FleetReport.Heartbeat, Buffer.from(JSON.stringify(body)), {
      messageId: randomUUID(),
      persistent: true,
      mandatory: true,
      contentType: 'application/json',
      type: HeartbeatMessageType.Batch,
    });
    await channel.waitForConfirms();
  };
  const historyOf = (deviceId: string) =>
    ctx.db.query<{ heartbeat_id: string; status: string }>(`SELECT heartbeat_id, status FROM fleet.device_heartbeats WHERE device_id = $1 ORDER BY received_at`, [
      deviceId,
    ]);
  const deviceRow = async (deviceId: string) =>
    (
      await ctx.db.query<{ status: string; last_seen: Date | null; current_commit_hash: string | null }>(
        'SELECT status, last_seen, current_commit_hash FROM fleet.devices WHERE device_id = $1',
        [deviceId],
      )
    )[0];
  const deadLetters = async () => {
    const found: { body: Record<string, unknown>; reason: unknown; messageId: unknown; type?: unknown }[] = [];
    for (;;) {
      const msg = await channel.get(names.deadQueue(queue), { noAck: true });
      if (!msg) return found;
      found.push({
        body: JSON.parse(msg.content.toString()) as Record<string, unknown>,
        reason: msg.properties.headers?.['x-proctor-dead-reason'],
        messageId: msg.properties.messageId,
        ...(msg.properties.type === undefined ? {} : { type: msg.properties.type }),
      });
    }
  };

  beforeAll(async () => {
    broker = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
    channel = await broker.createConfirmChannel();
  });

  afterAll(async () => {
    await broker?.close();
  });

  it('declares its durable quorum queue, bound by device.heartbeat, as part of starting', async () => {
    const check = await broker.createChannel();
    const declared = await check.checkQueue(queue);
    await check.close();
    expect(declared.queue).toBe(queue);
    // Mandatory and confirmed: it would have failed had no queue been bound for the key.
    await register('pi-bound');
    await publish(heartbeat('pi-bound'));
    await expectEventually(async () => expect(await historyOf('pi-bound')).toHaveLength(1));
  });

  it('keeps each heartbeat in the history with every field, and updates last seen, status and commit', async () => {
    await register('pi-hb');
    const hb = heartbeat('pi-hb', {
      status: 'degraded',
      cpu_percent: 12.5,
      memory_percent: 40.25,
      disk_percent: 63,
      temperature: 55.5,
      containers_running: 3,
      containers_failed: 1,
      current_commit_hash: 'a1b2c3d',
    });
    await publish(hb);
    await expectEventually(async () => expect(await deviceRow('pi-hb')).toMatchObject({ status: 'degraded', current_commit_hash: 'a1b2c3d' }));
    expect((await deviceRow('pi-hb')).last_seen?.toISOString()).toBe(hb.received_at);
    const page = await ctx.rpc.call<Page<HeartbeatView>>(FleetRpc.ListHeartbeats, { device_id: 'pi-hb' });
    expect(page.items).toEqual([
      {
        heartbeat_id: hb.heartbeat_id,
        device_id: 'pi-hb',
        status: 'degraded',
        cpu_percent: 12.5,
        memory_percent: 40.25,
        disk_percent: 63,
        temperature: 55.5,
        containers_running: 3,
        containers_failed: 1,
        current_commit_hash: 'a1b2c3d',
        received_at: hb.received_at,
      },
    ]);
  });

  it('announces coming online, and a change of status, in the same transaction as the heartbeat', async () => {
    await register('pi-online');
    await publish(heartbeat('pi-online'));
    await expectEventually(async () => expect((await deviceRow('pi-online')).status).toBe('healthy'));
    await publish(heartbeat('pi-online', { status: 'failed' }));
    await expectEventually(async () => expect((await deviceRow('pi-online')).status).toBe('failed'));
    const events = await ctx.db.query(`SELECT event_type, severity FROM fleet.device_events WHERE device_id = 'pi-online' AND event_type <> 'registration' ORDER BY created_at`);
    expect(events).toEqual([
      { event_type: 'online', severity: 'info' },
      { event_type: 'status_change', severity: 'error' },
    ]);
    const outbox = await ctx.db.query(`SELECT routing_key, payload FROM fleet.outbox WHERE payload->>'device_id' = 'pi-online' AND routing_key <> $1 ORDER BY id`, [
      FleetEvent.DeviceRegistered,
    ]);
    expect(outbox).toEqual([
      { routing_key: FleetEvent.DeviceOnline, payload: expect.objectContaining({ status: 'healthy', previous_status: 'offline' }) },
      { routing_key: FleetEvent.DeviceStatusChanged, payload: expect.objectContaining({ status: 'failed', previous_status: 'healthy' }) },
    ]);
  });

  it('writes a heartbeat delivered twice once, and applies it once', async () => {
    await register('pi-dup');
    const hb = heartbeat('pi-dup');
    await publish(hb, hb);
    await publish(hb);
    await publish(heartbeat('pi-dup', { status: 'degraded' }));
    await expectEventually(async () => expect((await deviceRow('pi-dup')).status).toBe('degraded'));
    expect(await historyOf('pi-dup')).toHaveLength(2);
    const online = await ctx.db.query(`SELECT 1 FROM fleet.device_events WHERE device_id = 'pi-dup' AND event_type = 'online'`);
    expect(online).toHaveLength(1);
  });

  it('keeps a late heartbeat in the history without turning last seen back', async () => {
    await register('pi-late');
    const now = heartbeat('pi-late', { status: 'healthy' });
    await publish(now);
    await expectEventually(async () => expect((await deviceRow('pi-late')).status).toBe('healthy'));
    await publish(heartbeat('pi-late', { status: 'failed', received_at: new Date(Date.now() - 60_000).toISOString() }));
    await expectEventually(async () => expect(await historyOf('pi-late')).toHaveLength(2));
    expect(await deviceRow('pi-late')).toMatchObject({ status: 'healthy', last_seen: new Date(now.received_at as string) });
  });

  it('dead-letters at once, with the reason, a heartbeat that fails validation or names an unknown device', async () => {
    await register('pi-valid');
    const bad = heartbeat('pi-valid', { cpu_percent: 500 });
    const unknown = heartbeat('pi-nobody');
    const good = heartbeat('pi-valid');
    await publish(bad, unknown, good);
    await expectEventually(async () => expect(await historyOf('pi-valid')).toHaveLength(1));
    const dead = await expectEventually(async () => {
      const found = await deadLetters();
      expect(found).toHaveLength(2);
      return found;
    });
    expect(dead.map((d) => d.body.heartbeat_id).sort()).toEqual([bad.heartbeat_id, unknown.heartbeat_id].sort());
    expect(dead.find((d) => d.body.heartbeat_id === bad.heartbeat_id)?.reason).toBe('invalid payload: {"cpu_percent":["cpu_percent must not be greater than 100"]}');
    expect(dead.find((d) => d.body.heartbeat_id === unknown.heartbeat_id)?.reason).toBe('unknown device pi-nobody');
    expect(await ctx.db.query(`SELECT 1 FROM fleet.device_heartbeats WHERE heartbeat_id = $1`, [bad.heartbeat_id])).toEqual([]);
  });

  it('writes every heartbeat of a batch message, and parks only its heartbeats of an unknown device, each as a message of its own', async () => {
    await register('pi-batch-1');
    await register('pi-batch-2');
    const first = heartbeat('pi-batch-1', { status: 'degraded', cpu_percent: 10 });
    const orphan = heartbeat('pi-batch-gone');
    const second = heartbeat('pi-batch-2', { containers_running: 2 });
    const later = heartbeat('pi-batch-1', { status: 'failed', received_at: new Date(Date.now() + 1).toISOString() });
    await publishBatch({ heartbeats: [first, orphan, second, later] });
    await expectEventually(async () => expect(await historyOf('pi-batch-1')).toHaveLength(2));
    expect((await historyOf('pi-batch-2')).map((h) => h.heartbeat_id)).toEqual([second.heartbeat_id]);
    expect(await deviceRow('pi-batch-1')).toMatchObject({ status: 'failed', last_seen: new Date(later.received_at as string) });
    const dead = await expectEventually(async () => {
      const found = await deadLetters();
      expect(found).toHaveLength(1);
      return found;
    });
    expect(dead).toEqual([{ body: orphan, reason: 'unknown device pi-batch-gone', messageId: orphan.heartbeat_id }]);
  });

  it('writes a batch message delivered again once, heartbeat by heartbeat, also when its heartbeats came singly before', async () => {
    await register('pi-batch-dup');
    const a = heartbeat('pi-batch-dup');
    const b = heartbeat('pi-batch-dup', { received_at: new Date(Date.now() + 1).toISOString() });
    await publish(a);
    await publishBatch({ heartbeats: [a, b] });
    await publishBatch({ heartbeats: [a, b] });
    await publish(heartbeat('pi-batch-dup', { status: 'failed', received_at: new Date(Date.now() + 2).toISOString() }));
    await expectEventually(async () => expect((await deviceRow('pi-batch-dup')).status).toBe('failed'));
    expect(await historyOf('pi-batch-dup')).toHaveLength(3);
    expect(await deadLetters()).toEqual([]);
  });

  it('parks a whole batch message with one invalid heartbeat, naming it, and writes none of it', async () => {
    await register('pi-batch-bad');
    const good = heartbeat('pi-batch-bad');
    const bad = heartbeat('pi-batch-bad', { temperature: 900 });
    await publishBatch({ heartbeats: [good, bad] });
    const dead = await expectEventually(async () => {
      const found = await deadLetters();
      expect(found).toHaveLength(1);
      return found;
    });
    expect(dead[0].body).toEqual({ heartbeats: [good, bad] });
    // Its type goes with it: replayed, it is read as the batch it is.
    expect(dead[0].type).toBe('device.heartbeat.batch.1');
    expect(dead[0].reason).toBe('heartbeat 1 of the batch: invalid payload: {"temperature":["temperature must not be greater than 150"]}');
    expect(await historyOf('pi-batch-bad')).toEqual([]);
  });

  it('answers device_not_found for the history of an unknown device', async () => {
    const error = (await ctx.rpc.call(FleetRpc.ListHeartbeats, { device_id: 'pi-nowhere' }).catch((e: unknown) => e)) as ProctorError;
    expect(error.code).toBe('device_not_found');
  });

  it('writes 1,000 queued heartbeats in a few batches of many rows, not one transaction each', async () => {
    await register('pi-many');
    await ctx.service.stop();
    const heartbeats = Array.from({ length: 1000 }, (_, i) => heartbeat('pi-many', { received_at: new Date(Date.now() - 1000 + i).toISOString() }));
    await publish(...heartbeats);
    ctx.service = await start();
    await expectEventually(async () => expect(await historyOf('pi-many')).toHaveLength(1000));
    const { values } = await ctx.service.app.get(MetricsService).histogram('proctor_batch_size', '').get();
    const count = values.find((v) => v.metricName === 'proctor_batch_size_count')?.value ?? 0;
    const sum = values.find((v) => v.metricName === 'proctor_batch_size_sum')?.value ?? 0;
    expect(sum).toBe(1000);
    expect(count).toBeLessThanOrEqual(5);
    expect((await deviceRow('pi-many')).last_seen?.toISOString()).toBe(heartbeats[999].received_at);
  });

  it('loses none and writes none twice while the service restarts under a stream of heartbeats, single and batched', async () => {
    const devices = ['pi-r1', 'pi-r2', 'pi-r3'];
    for (const d of devices) await register(d);
    const total = 3000;
    let published = 0;
    const publishing = (async () => {
      for (let i = 0; i < total; i += 50) {
        const chunk = Array.from({ length: 50 }, (_, j) => heartbeat(devices[(i + j) % devices.length]));
        // Every other chunk as a batching gateway sends it: five messages of ten.
        if ((i / 50) % 2 === 0) await publish(...chunk);
        else for (let k = 0; k < 50; k += 10) await publishBatch({ heartbeats: chunk.slice(k, k + 10) });
        published += 50;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await expectEventually(async () => {
      const [{ n }] = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM fleet.device_heartbeats WHERE device_id LIKE 'pi-r%'`);
      expect(n).toBeGreaterThan(200);
    });
    await ctx.service.stop();
    const publishedWhileStopped = published;
    await new Promise((r) => setTimeout(r, 200));
    ctx.service = await start();
    // The stream went on while the service was down and after it came back.
    expect(published).toBeGreaterThan(publishedWhileStopped);
    expect(published).toBeLessThan(total);
    await publishing;
    await expectEventually(
      async () => {
        const [{ n }] = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM fleet.device_heartbeats WHERE device_id LIKE 'pi-r%'`);
        expect(n).toBe(total);
      },
      { timeoutMs: 20000 },
    );
    expect(await deadLetters()).toEqual([]);
  });
});
