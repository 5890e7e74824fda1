import { JobsEvent, JobsRpc, JobView, Page, ProctorError } from '@proctor/contracts';
import { pendingSchemaChanges } from '@proctor/persistence';
import { serviceTest } from '@proctor/testing';
import { DataSource } from 'typeorm';
import { JOBS_SERVICE } from '../jobs.service-definition';

describe('jobs service over RPC (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(JOBS_SERVICE);

  it('queues a job that get returns by its job_id', async () => {
    const created = await ctx.rpc.call<JobView>(JobsRpc.Create, {
      image: 'proctor-runner:latest',
      command: ['sh', '-c', 'make test'],
      priority: 5,
      labels: { team: 'net' },
    });
    expect(created).toMatchObject({
      status: 'queued',
      success: null,
      start_time: null,
      end_time: null,
      image: 'proctor-runner:latest',
      command: ['sh', '-c', 'make test'],
      priority: 5,
      labels: { team: 'net' },
      submitted_by: null,
    });
    expect(created).not.toHaveProperty('id');
    const fetched = await ctx.rpc.call<JobView>(JobsRpc.Get, { id: created.job_id });
    expect(fetched).toEqual(created);
  });

  it('fills in the installation defaults for a bare submission', async () => {
    const created = await ctx.rpc.call<JobView>(JobsRpc.Create, {});
    expect(created).toMatchObject({
      status: 'queued',
      image: 'proctor-runner:latest',
      command: ['sh', '-c', 'sh ./run-tests.sh'],
      network: 'none',
      timeout_seconds: 3600,
      limits: { cpus: 1, memory_mb: 1024, pids: 512 },
      priority: 0,
      labels: {},
      retries: 0,
    });
  });

  it('writes the queued event to the outbox in the same transaction', async () => {
    const created = await ctx.rpc.call<JobView>(JobsRpc.Create, { priority: -3 });
    const rows = await ctx.db.query<{ routing_key: string; payload: unknown }>(`SELECT routing_key, payload FROM jobs.outbox WHERE payload->>'job_id' = $1`, [
      created.job_id,
    ]);
    expect(rows).toEqual([{ routing_key: JobsEvent.Queued, payload: { job_id: created.job_id, priority: -3 } }]);
  });

  it('answers validation_failed for a bad payload, naming the field, and queues nothing', async () => {
    const [{ count: before }] = await ctx.db.query<{ count: string }>('SELECT count(*) FROM jobs.jobs');
    const error = (await ctx.rpc.call(JobsRpc.Create, { priority: 1000 }).catch((e: unknown) => e)) as ProctorError;
    expect(error).toBeInstanceOf(ProctorError);
    expect(error.code).toBe('validation_failed');
    expect(Object.keys((error.details as { fields: object }).fields)).toEqual(['priority']);
    const [{ count: after }] = await ctx.db.query<{ count: string }>('SELECT count(*) FROM jobs.jobs');
    expect(after).toBe(before);
  });

  it('lists newest first with cursor pagination and no duplicates', async () => {
    for (const n of [1, 2, 3]) {
      // Apart by more than the stored millisecond, so that newest first is one order, not a tie.
      await new Promise((r) => setTimeout(r, 3));
      await ctx.rpc.call(JobsRpc.Create, { labels: { page: String(n) } });
    }
    const first = await ctx.rpc.call<Page<JobView>>(JobsRpc.List, { limit: 2 });
    expect(first.items.map((j) => j.labels.page)).toEqual(['3', '2']);
    const all = [...first.items];
    let cursor = first.next_cursor;
    while (cursor) {
      const page: Page<JobView> = await ctx.rpc.call(JobsRpc.List, { limit: 2, cursor });
      all.push(...page.items);
      cursor = page.next_cursor;
    }
    const ids = all.map((j) => j.job_id);
    expect(new Set(ids).size).toBe(ids.length);
    const [{ count }] = await ctx.db.query<{ count: string }>('SELECT count(*) FROM jobs.jobs');
    expect(ids).toHaveLength(Number(count));
    const times = all.map((j) => j.created_at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by status', async () => {
    const created = await ctx.rpc.call<JobView>(JobsRpc.Create, { labels: { filter: 'running' } });
    await ctx.db.query(`UPDATE jobs.jobs SET status = 'running', start_time = now() WHERE id = $1`, [created.job_id]);
    const running = await ctx.rpc.call<Page<JobView>>(JobsRpc.List, { status: 'running' });
    expect(running.items.map((j) => j.job_id)).toEqual([created.job_id]);
    expect(running.items[0].start_time).not.toBeNull();
    const queued = await ctx.rpc.call<Page<JobView>>(JobsRpc.List, { status: 'queued' });
    expect(queued.items.length).toBeGreaterThan(0);
    expect(queued.items.every((j) => j.status === 'queued')).toBe(true);
  });

  it('answers job_not_found for an unknown id', async () => {
    const error = (await ctx.rpc.call(JobsRpc.Get, { id: '00000000-0000-4000-8000-000000000000' }).catch((e: unknown) => e)) as ProctorError;
    expect(error.code).toBe('job_not_found');
  });

  it('has migrations that match its entities', async () => {
    expect(await pendingSchemaChanges(ctx.service.app.get(DataSource))).toEqual([]);
  });
});
