import {
  DesiredStateView,
  DeviceUpdateView,
  FleetEvent,
  FleetReport,
  FleetRpc,
  Page,
  ProctorError,
  RolloutPlanView,
  RolloutView,
} from '@proctor/contracts';
import { expectEventually, serviceTest, TEST_AMQP_URL } from '@proctor/testing';
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { FLEET_SERVICE } from '../fleet.service-definition';

describe('rollouts (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(FLEET_SERVICE, {
    env: { FLEET_SWEEP_INTERVAL_MS: '100', FLEET_OFFLINE_AFTER_SECONDS: '1' },
  });
  const { names } = ctx;
  let broker: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;

  const register = (deviceId: string, where: { segment?: string; branch?: string } = {}) =>
    ctx.rpc.call(FleetRpc.RegisterDevice, { device_id: deviceId, hostname: `${deviceId}.local`, role: 'sensor', issue_key: false, ...where });
  const fail = (pattern: string, body: object) =>
    ctx.rpc.call(pattern, body).then(
      () => Promise.reject(new Error(`${pattern} succeeded`)),
      (e: unknown) => e as ProctorError,
    );
  const create = (body: object) => ctx.rpc.call<RolloutView>(FleetRpc.CreateRollout, body);
  const rollout = (id: string) => ctx.rpc.call<RolloutView>(FleetRpc.GetRollout, { id });
  const desired = (deviceId: string) => ctx.rpc.call<DesiredStateView>(FleetRpc.DesiredState, { device_id: deviceId });
  const report = (deviceId: string, toCommit: string, status: string, over: object = {}) =>
    ctx.rpc.call<DeviceUpdateView>(FleetRpc.ReportUpdate, { device_id: deviceId, to_commit_hash: toCommit, update_status: status, ...over });
  const publishHeartbeat = async (deviceId: string, over: object = {}) => {
    const heartbeatId = randomUUID();
    const body = { heartbeat_id: heartbeatId, device_id: deviceId, status: 'healthy', received_at: new Date().toISOString(), ...over };
    channel.publish(names.reportsExchange, FleetReport.Heartbeat, Buffer.from(JSON.stringify(body)), { messageId: heartbeatId, persistent: true, mandatory: true });
    await channel.waitForConfirms();
  };
  const rowCounts = async () =>
    (
      await ctx.db.query<{ rollouts: number; devices: number }>(
        `SELECT (SELECT count(*)::int FROM fleet.rollouts) AS rollouts, (SELECT count(*)::int FROM fleet.rollout_devices) AS devices`,
      )
    )[0];
  const byDevice = (a: { device_id: string }, b: { device_id: string }) => a.device_id.localeCompare(b.device_id);

  beforeAll(async () => {
    broker = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
    channel = await broker.createConfirmChannel();
    // The canary segment: one device to update, and one for each reason to pass a device by.
    for (const id of ['c-ok', 'c-maint', 'c-off', 'c-lock', 'c-on']) await register(id, { segment: 'canary' });
    await register('b-1', { segment: 'beta' });
    await register('s-1', { segment: 'stable' });
    await ctx.db.query(`UPDATE fleet.devices SET current_commit_hash = 'aaa' WHERE device_id IN ('c-ok', 'c-maint', 'c-off', 'c-lock', 's-1')`);
    await ctx.db.query(`UPDATE fleet.devices SET current_commit_hash = 'bbb' WHERE device_id = 'c-on'`);
    await ctx.rpc.call(FleetRpc.UpdateSettings, { device_id: 'c-maint', maintenance_mode: true });
    await ctx.rpc.call(FleetRpc.UpdateSettings, { device_id: 'c-off', update_enabled: false });
    await ctx.rpc.call(FleetRpc.UpdateSettings, { device_id: 'c-lock', version_lock: 'aaa' });
  });

  afterAll(async () => {
    await broker?.close();
  });

  it('lists in a dry run which devices it would touch and which it would pass by, and why, writing nothing', async () => {
    const plan = await ctx.rpc.call<RolloutPlanView>(FleetRpc.CreateRollout, { target_commit: 'bbb', segment: 'canary', dry_run: true });
    expect({ ...plan, skipped: [...plan.skipped].sort(byDevice) }).toEqual({
      dry_run: true,
      target_commit: 'bbb',
      segment: 'canary',
      branch: null,
      targeted: [{ device_id: 'c-ok', current_commit_hash: 'aaa' }],
      skipped: [
        { device_id: 'c-lock', reason: 'version_locked' },
        { device_id: 'c-maint', reason: 'maintenance_mode' },
        { device_id: 'c-off', reason: 'updates_disabled' },
        { device_id: 'c-on', reason: 'already_on_target' },
      ],
    });
    expect(await rowCounts()).toEqual({ rollouts: 0, devices: 0 });
  });

  it('refuses a request that names both a segment and a branch, or neither, or bad thresholds, writing nothing', async () => {
    for (const body of [
      { target_commit: 'bbb', segment: 'canary', branch: 'main' },
      { target_commit: 'bbb' },
      { target_commit: 'bbb', segment: 'canary', failure_threshold: 2 },
      { target_commit: 'bbb', segment: 'canary', health_window_seconds: -1 },
      { target_commit: 'bbb', segment: 'gamma' },
      { target_commit: 42, segment: 'canary' },
    ]) {
      expect([body, (await fail(FleetRpc.CreateRollout, body)).code]).toEqual([body, 'validation_failed']);
    }
    expect(await rowCounts()).toEqual({ rollouts: 0, devices: 0 });
  });

  it('starts a rollout, one active per segment, and tells each device its target, or why none', async () => {
    const started = await create({ target_commit: 'bbb', segment: 'canary', health_window_seconds: 0 });
    expect(started).toMatchObject({
      target_commit: 'bbb',
      segment: 'canary',
      branch: null,
      status: 'active',
      failure_threshold: 0.2,
      health_window_seconds: 0,
      pending_deadline_seconds: 3600,
      counts: { targeted: 1, pending: 1, succeeded: 0, failed: 0, unhealthy: 0, expired: 0, skipped: 4 },
    });
    const conflict = await fail(FleetRpc.CreateRollout, { target_commit: 'ccc', segment: 'canary' });
    expect([conflict.code, conflict.details?.active_rollout_id]).toEqual(['rollout_conflict', started.id]);
    expect((await fail(FleetRpc.CreateRollout, { target_commit: 'ccc', segment: 'canary', dry_run: true })).code).toBe('rollout_conflict');

    expect(await desired('c-ok')).toEqual({ device_id: 'c-ok', target_commit: 'bbb', rollout_id: started.id, reason: null });
    expect(await desired('c-maint')).toMatchObject({ target_commit: null, reason: 'maintenance_mode' });
    expect(await desired('c-off')).toMatchObject({ target_commit: null, reason: 'updates_disabled' });
    expect(await desired('c-lock')).toMatchObject({ target_commit: null, reason: 'version_locked' });
    expect(await desired('b-1')).toEqual({ device_id: 'b-1', target_commit: null, rollout_id: null, reason: 'no_rollout' });
    expect((await fail(FleetRpc.DesiredState, { device_id: 'pi-nowhere' })).code).toBe('device_not_found');
  });

  it('completes when no device is pending, and promotes canary to stable: a new active rollout of the same commit', async () => {
    const [canary] = (await ctx.rpc.call<Page<RolloutView>>(FleetRpc.ListRollouts, { status: 'active' })).items.filter((r) => r.segment === 'canary');
    const update = await report('c-ok', 'bbb', 'success', { from_commit_hash: 'aaa', health_check_passed: true });
    expect(update.rollout_id).toBe(canary.id);
    await expectEventually(async () => expect(await rollout(canary.id)).toMatchObject({ status: 'completed', counts: { pending: 0, succeeded: 1 } }));

    const stable = await ctx.rpc.call<RolloutView>(FleetRpc.PromoteRollout, { id: canary.id, to_segment: 'stable' });
    expect(stable).toMatchObject({
      target_commit: 'bbb',
      segment: 'stable',
      status: 'active',
      promoted_from: canary.id,
      health_window_seconds: 0,
      counts: { targeted: 1, pending: 1 },
    });
    expect((await rollout(canary.id)).status).toBe('promoted');
    expect(await desired('s-1')).toEqual({ device_id: 's-1', target_commit: 'bbb', rollout_id: stable.id, reason: null });
    // The canary segment keeps the version its rollout gave it.
    expect((await desired('c-ok')).target_commit).toBe('bbb');
    expect((await fail(FleetRpc.PromoteRollout, { id: stable.id, to_segment: 'stable' })).code).toBe('rollout_conflict');
    expect((await fail(FleetRpc.PromoteRollout, { id: randomUUID(), to_segment: 'beta' })).code).toBe('rollout_not_found');
  });

  it('halts by itself when the share of failed updates among devices that reported passes the threshold', async () => {
    for (const id of ['hf-1', 'hf-2', 'hf-3', 'hf-4']) await register(id, { branch: 'halt-on-failures' });
    const started = await create({ target_commit: 'fff', branch: 'halt-on-failures', failure_threshold: 0.3, health_window_seconds: 0 });
    await report('hf-1', 'fff', 'success');
    await report('hf-2', 'fff', 'failed', { error_message: 'image pull failed' });
    const halted = await expectEventually(async () => {
      const r = await rollout(started.id);
      expect(r.status).toBe('halted');
      return r;
    });
    expect(halted.halt_reason).toBe('1 of 2 devices that reported failed or turned unhealthy (1 failed, 0 unhealthy), above the threshold of 0.3');
    expect(halted.counts).toMatchObject({ targeted: 4, pending: 2, succeeded: 1, failed: 1 });
    expect(await ctx.db.query(`SELECT payload FROM fleet.outbox WHERE routing_key = $1`, [FleetEvent.RolloutHalted])).toEqual([
      { payload: { rollout_id: started.id, reason: halted.halt_reason } },
    ]);
    expect(await desired('hf-3')).toMatchObject({ target_commit: null, rollout_id: started.id, reason: 'rollout_halted' });
    // A halted rollout leaves its branch free for the next one.
    await create({ target_commit: 'fff2', branch: 'halt-on-failures', dry_run: true });
  });

  it('halts when an updated device reports failing containers within its health window', async () => {
    for (const id of ['hu-1', 'hu-2', 'hu-3']) await register(id, { branch: 'halt-on-unhealthy' });
    const started = await create({ target_commit: 'uuu', branch: 'halt-on-unhealthy', failure_threshold: 0.5, health_window_seconds: 600 });
    await report('hu-1', 'uuu', 'success', { health_check_passed: true });
    await publishHeartbeat('hu-1', { containers_running: 1, containers_failed: 2, current_commit_hash: 'uuu' });
    await expectEventually(async () => expect(await rollout(started.id)).toMatchObject({ status: 'halted', counts: { unhealthy: 1, succeeded: 0 } }));
    const events = await ctx.db.query<{ message: string }>(`SELECT message FROM fleet.device_events WHERE device_id = 'hu-1' AND event_type = 'rollout'`);
    expect(events).toEqual([{ message: `turned unhealthy within the health window of rollout ${started.id}` }]);
  });

  it('halts when an updated device loses its heartbeats (offline) within its health window', async () => {
    for (const id of ['ho-1', 'ho-2']) await register(id, { branch: 'halt-on-offline' });
    await publishHeartbeat('ho-1');
    await expectEventually(async () => expect(await ctx.db.query(`SELECT status FROM fleet.devices WHERE device_id = 'ho-1'`)).toEqual([{ status: 'healthy' }]));
    const started = await create({ target_commit: 'ooo', branch: 'halt-on-offline', failure_threshold: 0.5, health_window_seconds: 600 });
    await report('ho-1', 'ooo', 'success', { health_check_passed: true });
    await expectEventually(async () => expect(await rollout(started.id)).toMatchObject({ status: 'halted', counts: { unhealthy: 1 } }), { timeoutMs: 8000 });
  });

  it('keeps a device that stayed healthy through its window as succeeded', async () => {
    await register('hw-1', { branch: 'healthy-window' });
    await register('hw-2', { branch: 'healthy-window' });
    const started = await create({ target_commit: 'www', branch: 'healthy-window', health_window_seconds: 1 });
    await report('hw-1', 'www', 'success');
    await report('hw-2', 'www', 'success');
    await expectEventually(async () => expect(await rollout(started.id)).toMatchObject({ status: 'completed', counts: { succeeded: 2, unhealthy: 0 } }));
  });

  it('expires a device still pending at the deadline, which then blocks nothing: the rollout completes', async () => {
    for (const id of ['ex-1', 'ex-2']) await register(id, { branch: 'expiring' });
    const started = await create({ target_commit: 'eee', branch: 'expiring', health_window_seconds: 0, pending_deadline_seconds: 60 });
    await report('ex-1', 'eee', 'success');
    expect((await rollout(started.id)).status).toBe('active');
    await ctx.db.query(`UPDATE fleet.rollouts SET created_at = now() - interval '2 hours' WHERE id = $1`, [started.id]);
    await expectEventually(async () =>
      expect(await rollout(started.id)).toMatchObject({ status: 'completed', counts: { targeted: 2, pending: 0, succeeded: 1, expired: 1 } }),
    );
  });

  it('halts by hand, once; a halted rollout can be neither halted again nor promoted', async () => {
    await register('hh-1', { branch: 'by-hand' });
    const started = await create({ target_commit: 'hhh', branch: 'by-hand' });
    const halted = await ctx.rpc.call<RolloutView>(FleetRpc.HaltRollout, { id: started.id });
    expect(halted).toMatchObject({ status: 'halted', halt_reason: 'halted by hand' });
    expect((await fail(FleetRpc.HaltRollout, { id: started.id })).code).toBe('rollout_conflict');
    expect((await fail(FleetRpc.PromoteRollout, { id: started.id, to_segment: 'beta' })).code).toBe('rollout_conflict');
    expect((await rollout(started.id)).status).toBe('halted');
  });

  it('answers rollout_not_found for an unknown id and validation_failed for what is not one', async () => {
    expect((await fail(FleetRpc.GetRollout, { id: randomUUID() })).code).toBe('rollout_not_found');
    expect((await fail(FleetRpc.HaltRollout, { id: randomUUID() })).code).toBe('rollout_not_found');
    expect((await fail(FleetRpc.GetRollout, { id: 'abc' })).code).toBe('validation_failed');
  });

  it('lists rollouts newest first, by status', async () => {
    const halted = (await ctx.rpc.call<Page<RolloutView>>(FleetRpc.ListRollouts, { status: 'halted' })).items;
    expect(halted.map((r) => r.branch)).toEqual(['by-hand', 'halt-on-offline', 'halt-on-unhealthy', 'halt-on-failures']);
    const all = (await ctx.rpc.call<Page<RolloutView>>(FleetRpc.ListRollouts, {})).items;
    expect(all.map((r) => r.created_at)).toEqual([...all.map((r) => r.created_at)].sort().reverse());
  });
});
