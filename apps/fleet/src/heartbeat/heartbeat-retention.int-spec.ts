import { FleetRpc } from '@proctor/contracts';
import { expectEventually, serviceTest } from '@proctor/testing';
import { FLEET_SERVICE } from '../fleet.service-definition';
import { HeartbeatPruner } from './heartbeat-pruner';

describe('heartbeat history retention (real Postgres)', () => {
  const ctx = serviceTest(FLEET_SERVICE, {
    env: { FLEET_HEARTBEAT_RETENTION_DAYS: '3', FLEET_SWEEP_INTERVAL_MS: '100' },
  });

  /** Rows written straight into the history, as a superuser, `ageHours` old. */
  const insertHeartbeats = (deviceId: string, count: number, ageHours: number) =>
    ctx.db.query(
      `INSERT INTO fleet.device_heartbeats (heartbeat_id, device_id, status, received_at)
       SELECT gen_random_uuid(), $1, 'healthy', now() - ($2 || ' hours')::interval - (n || ' milliseconds')::interval
         FROM generate_series(1, $3) AS n`,
      [deviceId, String(ageHours), count],
    );
  const countOf = async (deviceId: string) =>
    (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM fleet.device_heartbeats WHERE device_id = $1`, [deviceId]))[0].n;

  it('deletes heartbeats past FLEET_HEARTBEAT_RETENTION_DAYS on its timer, in batches, and keeps the recent ones', async () => {
    await ctx.rpc.call(FleetRpc.RegisterDevice, { device_id: 'pi-old', hostname: 'o.local', role: 'sensor', issue_key: false });
    await ctx.rpc.call(FleetRpc.RegisterDevice, { device_id: 'pi-new', hostname: 'n.local', role: 'sensor', issue_key: false });
    // More than two delete statements' worth (5,000 rows each).
    await insertHeartbeats('pi-old', 12_000, 4 * 24);
    await insertHeartbeats('pi-new', 50, 2 * 24);
    await insertHeartbeats('pi-new', 50, 0);
    await expectEventually(async () => expect(await countOf('pi-old')).toBe(0), { timeoutMs: 15000 });
    expect(await countOf('pi-new')).toBe(100);
    expect(await ctx.service.app.get(HeartbeatPruner).prune()).toBe(0);
  });
});
