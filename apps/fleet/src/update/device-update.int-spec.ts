import { DeviceEventView, DeviceUpdateView, DeviceView, FleetRpc, Page, ProctorError } from '@proctor/contracts';
import { serviceTest } from '@proctor/testing';
import { FLEET_SERVICE } from '../fleet.service-definition';

describe('update reports (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(FLEET_SERVICE, { });

  const register = (deviceId: string) =>
    ctx.rpc.call(FleetRpc.RegisterDevice, { device_id: deviceId, hostname: `${deviceId}.local`, role: 'sensor', issue_key: false });
  const report = (body: object) => ctx.rpc.call<DeviceUpdateView>(FleetRpc.ReportUpdate, body);
  const fail = (pattern: string, body: object) =>
    ctx.rpc.call(pattern, body).then(
      () => Promise.reject(new Error(`${pattern} succeeded`)),
      (e: unknown) => e as ProctorError,
    );
  const commitOf = async (deviceId: string) => (await ctx.rpc.call<DeviceView>(FleetRpc.GetDevice, { device_id: deviceId })).current_commit_hash;

  it('keeps a successful update with every field of the seed, and sets the commit the device runs', async () => {
    await register('pi-up');
    const update = await report({
      device_id: 'pi-up',
      from_commit_hash: 'a1b2c3d',
      to_commit_hash: 'e4f5a6b',
      update_status: 'success',
      health_check_passed: true,
    });
    expect(update).toEqual({
      id: expect.any(String) as string,
      device_id: 'pi-up',
      from_commit_hash: 'a1b2c3d',
      to_commit_hash: 'e4f5a6b',
      update_status: 'success',
      error_message: null,
      health_check_passed: true,
      rollout_id: null,
      created_at: expect.any(String) as string,
    });
    expect(await commitOf('pi-up')).toBe('e4f5a6b');
    const listed = await ctx.rpc.call<Page<DeviceUpdateView>>(FleetRpc.ListUpdates, { device_id: 'pi-up' });
    expect(listed.items).toEqual([update]);
  });

  it('keeps a failed or rolled back update with its error, leaving the commit as it was, and records each as an event', async () => {
    await register('pi-fail');
    await report({ device_id: 'pi-fail', to_commit_hash: 'aaa', update_status: 'success' });
    await report({ device_id: 'pi-fail', from_commit_hash: 'aaa', to_commit_hash: 'bbb', update_status: 'failed', error_message: 'docker compose pull failed' });
    await report({ device_id: 'pi-fail', from_commit_hash: 'aaa', to_commit_hash: 'ccc', update_status: 'rolled_back', health_check_passed: false });
    expect(await commitOf('pi-fail')).toBe('aaa');
    const updates = (await ctx.rpc.call<Page<DeviceUpdateView>>(FleetRpc.ListUpdates, { device_id: 'pi-fail' })).items;
    expect(updates.map((u) => [u.to_commit_hash, u.update_status, u.error_message])).toEqual([
      ['ccc', 'rolled_back', null],
      ['bbb', 'failed', 'docker compose pull failed'],
      ['aaa', 'success', null],
    ]);
    const events = (await ctx.rpc.call<Page<DeviceEventView>>(FleetRpc.ListEvents, { device_id: 'pi-fail', event_type: 'update' })).items;
    expect(events.map((e) => [e.severity, e.message])).toEqual([
      ['warning', 'update aaa → ccc: rolled back'],
      ['error', 'update aaa → bbb: failed: docker compose pull failed'],
      ['info', 'update ? → aaa: success'],
    ]);
  });

  it('refuses a report of the wrong shape, or of an unknown device, and stores nothing', async () => {
    await register('pi-bad');
    const error = await fail(FleetRpc.ReportUpdate, { device_id: 'pi-bad', to_commit_hash: 'x', update_status: 'done', health_check_passed: 'yes' });
    expect(error.code).toBe('validation_failed');
    expect(Object.keys((error.details as { fields: object }).fields).sort()).toEqual(['health_check_passed', 'update_status']);
    expect((await fail(FleetRpc.ReportUpdate, { device_id: 'pi-nowhere', to_commit_hash: 'x', update_status: 'success' })).code).toBe('device_not_found');
    expect((await fail(FleetRpc.ListUpdates, { device_id: 'pi-nowhere' })).code).toBe('device_not_found');
    expect(await ctx.db.query(`SELECT 1 FROM fleet.device_updates WHERE device_id IN ('pi-bad', 'pi-nowhere')`)).toEqual([]);
  });
});
