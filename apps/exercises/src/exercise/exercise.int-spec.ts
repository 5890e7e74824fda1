import { ExercisesEvent, ExercisesRpc, ExerciseView, Page, ProctorError } from '@proctor/contracts';
import { pendingSchemaChanges } from '@proctor/persistence';
import { serviceTest } from '@proctor/testing';
import { DataSource } from 'typeorm';
import { EXERCISES_SERVICE } from '../exercises.service-definition';

describe('exercises service over RPC (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(EXERCISES_SERVICE);

  it('creates a draft exercise that get returns as created', async () => {
    const created = await ctx.rpc.call<ExerciseView>(ExercisesRpc.Create, { name: 'nightly throughput', description: 'rack 3 to rack 4' });
    expect(created).toMatchObject({ name: 'nightly throughput', description: 'rack 3 to rack 4', status: 'draft' });
    const fetched = await ctx.rpc.call<ExerciseView>(ExercisesRpc.Get, { id: created.id });
    expect(fetched).toEqual({ ...created, tests: [], tasks: [] });
  });

  it('writes the created event to the outbox in the same transaction', async () => {
    const created = await ctx.rpc.call<ExerciseView>(ExercisesRpc.Create, { name: 'outbox check' });
    expect(created.description).toBeNull();
    const rows = await ctx.db.query<{ routing_key: string; payload: unknown }>(
      `SELECT routing_key, payload FROM exercises.outbox WHERE payload->>'exercise_id' = $1`,
      [created.id],
    );
    expect(rows).toEqual([{ routing_key: ExercisesEvent.Created, payload: { exercise_id: created.id, name: 'outbox check' } }]);
  });

  it('answers validation_failed for a bad payload, naming the field, and stores nothing', async () => {
    const error = (await ctx.rpc.call(ExercisesRpc.Create, { name: '' }).catch((e: unknown) => e)) as ProctorError;
    expect(error).toBeInstanceOf(ProctorError);
    expect(error.code).toBe('validation_failed');
    expect(Object.keys((error.details as { fields: object }).fields)).toEqual(['name']);
    expect(await ctx.db.query(`SELECT 1 FROM exercises.exercises WHERE name = ''`)).toEqual([]);
  });

  it('lists newest first with cursor pagination and no duplicates', async () => {
    for (const n of [1, 2, 3]) {
      // Apart by more than the stored millisecond, so that newest first is one order, not a tie.
      await new Promise((r) => setTimeout(r, 3));
      await ctx.rpc.call(ExercisesRpc.Create, { name: `page-${n}` });
    }
    const first = await ctx.rpc.call<Page<ExerciseView>>(ExercisesRpc.List, { limit: 2 });
    expect(first.items.map((e) => e.name)).toEqual(['page-3', 'page-2']);
    expect(first.next_cursor).not.toBeNull();
    const rest: ExerciseView[] = [];
    let cursor = first.next_cursor;
    while (cursor) {
      const page: Page<ExerciseView> = await ctx.rpc.call(ExercisesRpc.List, { limit: 2, cursor });
      rest.push(...page.items);
      cursor = page.next_cursor;
    }
    const seen = [...first.items, ...rest].map((e) => e.id);
    expect(new Set(seen).size).toBe(seen.length);
    const [{ count }] = await ctx.db.query<{ count: string }>('SELECT count(*) FROM exercises.exercises');
    expect(seen).toHaveLength(Number(count));
    const times = [...first.items, ...rest].map((e) => e.created_at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by status', async () => {
    const drafts = await ctx.rpc.call<Page<ExerciseView>>(ExercisesRpc.List, { status: 'draft' });
    expect(drafts.items.length).toBeGreaterThan(0);
    expect(drafts.items.every((e) => e.status === 'draft')).toBe(true);
    const running = await ctx.rpc.call<Page<ExerciseView>>(ExercisesRpc.List, { status: 'running' });
    expect(running.items).toEqual([]);
    const error = (await ctx.rpc.call(ExercisesRpc.List, { status: 'paused' }).catch((e: unknown) => e)) as ProctorError;
    expect(error.code).toBe('validation_failed');
    expect(Object.keys((error.details as { fields: object }).fields)).toEqual(['status']);
  });

  it('answers exercise_not_found for an unknown id', async () => {
    const error = (await ctx.rpc
      .call(ExercisesRpc.Get, { id: '00000000-0000-4000-8000-000000000000' })
      .catch((e: unknown) => e)) as ProctorError;
    expect(error.code).toBe('exercise_not_found');
  });

  it('has migrations that match its entities', async () => {
    expect(await pendingSchemaChanges(ctx.service.app.get(DataSource))).toEqual([]);
  });
});
