import { HostsEvent, HostsRpc, HostView, Page, ProctorError } from '@proctor/contracts';
import { pendingSchemaChanges } from '@proctor/persistence';
import { serviceTest } from '@proctor/testing';
import { DataSource } from 'typeorm';
import { HOSTS_SERVICE } from '../hosts.service-definition';

describe('hosts service over RPC (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(HOSTS_SERVICE);

  const register = (body: Record<string, unknown>) => ctx.rpc.call<HostView>(HostsRpc.Register, body);

  it('registers a new host that get returns by id', async () => {
    const host = await register({ host_name: 'sunri-pi2', host_url: 'http://sunri-pi2:6109', capabilities: ['mobile', 'desktop', 'av', 'power'] });
    expect(host).toMatchObject({
      host_name: 'sunri-pi2',
      host_url: 'http://sunri-pi2:6109',
      capabilities: ['mobile', 'desktop', 'av', 'power'],
      status: 'available',
      last_ping: null,
    });
    const fetched = await ctx.rpc.call<HostView>(HostsRpc.Get, { id: host.id });
    expect(fetched).toEqual(host);
  });

  it('registers a restarted host again under the same id, available and at its new URL', async () => {
    const first = await register({ host_name: 'pi-restart', host_url: 'http://10.0.0.5:6109', capabilities: ['av'] });
    await ctx.db.query(`UPDATE hosts.hosts SET status = 'busy' WHERE id = $1`, [first.id]);
    const again = await register({ host_name: 'pi-restart', host_url: 'http://10.0.0.6:6109' });
    expect(again).toEqual({ ...first, host_url: 'http://10.0.0.6:6109', status: 'available' });
    expect(await ctx.db.query(`SELECT 1 FROM hosts.hosts WHERE host_name = 'pi-restart'`)).toHaveLength(1);
  });

  it('writes the registered event to the outbox in the same transaction', async () => {
    const host = await register({ host_name: 'pi-outbox', host_url: 'http://pi-outbox:6109' });
    const rows = await ctx.db.query<{ routing_key: string; payload: unknown }>(`SELECT routing_key, payload FROM hosts.outbox WHERE payload->>'host_id' = $1`, [
      host.id,
    ]);
    expect(rows).toEqual([{ routing_key: HostsEvent.Registered, payload: { host_id: host.id, host_name: 'pi-outbox' } }]);
  });

  it('answers validation_failed for a bad payload, naming the field, and stores nothing', async () => {
    const error = (await register({ host_name: 'pi-bad', host_url: 'ftp://pi-bad' }).catch((e: unknown) => e)) as ProctorError;
    expect(error).toBeInstanceOf(ProctorError);
    expect(error.code).toBe('validation_failed');
    expect(Object.keys((error.details as { fields: object }).fields)).toEqual(['host_url']);
    expect(await ctx.db.query(`SELECT 1 FROM hosts.hosts WHERE host_name = 'pi-bad'`)).toEqual([]);
  });

  it('lists newest first with cursor pagination and no duplicates', async () => {
    for (const n of [1, 2, 3]) {
      // Apart by more than the stored millisecond, so that newest first is one order, not a tie.
      await new Promise((r) => setTimeout(r, 3));
      await register({ host_name: `pi-page-${n}`, host_url: `http://pi-page-${n}:6109` });
    }
    const first = await ctx.rpc.call<Page<HostView>>(HostsRpc.List, { limit: 2 });
    expect(first.items.map((h) => h.host_name)).toEqual(['pi-page-3', 'pi-page-2']);
    const all = [...first.items];
    let cursor = first.next_cursor;
    while (cursor) {
      const page: Page<HostView> = await ctx.rpc.call(HostsRpc.List, { limit: 2, cursor });
      all.push(...page.items);
      cursor = page.next_cursor;
    }
    const ids = all.map((h) => h.id);
    expect(new Set(ids).size).toBe(ids.length);
    const [{ count }] = await ctx.db.query<{ count: string }>('SELECT count(*) FROM hosts.hosts');
    expect(ids).toHaveLength(Number(count));
    const times = all.map((h) => h.created_at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by status', async () => {
    const host = await register({ host_name: 'pi-offline', host_url: 'http://pi-offline:6109' });
    await ctx.db.query(`UPDATE hosts.hosts SET status = 'offline' WHERE id = $1`, [host.id]);
    const offline = await ctx.rpc.call<Page<HostView>>(HostsRpc.List, { status: 'offline' });
    expect(offline.items.map((h) => h.host_name)).toEqual(['pi-offline']);
    const available = await ctx.rpc.call<Page<HostView>>(HostsRpc.List, { status: 'available' });
    expect(available.items.length).toBeGreaterThan(0);
    expect(available.items.every((h) => h.status === 'available')).toBe(true);
  });

  it('answers host_not_found for an unknown id', async () => {
    const error = (await ctx.rpc.call(HostsRpc.Get, { id: '00000000-0000-4000-8000-000000000000' }).catch((e: unknown) => e)) as ProctorError;
    expect(error.code).toBe('host_not_found');
  });

  it('has migrations that match its entities', async () => {
    expect(await pendingSchemaChanges(ctx.service.app.get(DataSource))).toEqual([]);
  });
});
