import { JobsRpc, JobView, Page, ProctorError } from '@proctor/contracts';
import { serviceTest } from '@proctor/testing';
import { JOBS_SERVICE } from '../jobs.service-definition';

describe('listing jobs with filters (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(JOBS_SERVICE);

  /** Every page of a filtered listing, two at a time, following the cursors. */
  async function allPages(filter: Record<string, unknown>): Promise<JobView[]> {
    const seen: JobView[] = [];
    let cursor: string | null | undefined;
    do {
      const page: Page<JobView> = await ctx.rpc.call(JobsRpc.List, { ...filter, limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return seen;
  }

  const names = (jobs: JobView[]) => jobs.map((j) => j.labels.name);

  let created: JobView[];

  beforeAll(async () => {
    created = [];
    const specs = [
      { submitted_by: 'alice', labels: { name: 'a1', team: 'net' } },
      { submitted_by: 'bob', labels: { name: 'b1', team: 'net', tier: '1' } },
      { submitted_by: 'alice', labels: { name: 'a2', team: 'web' } },
      { submitted_by: 'alice', labels: { name: 'a3', team: 'net' } },
      { labels: { name: 'n1', team: 'net=eq' } },
    ];
    for (const spec of specs) {
      // Apart by more than the stored millisecond, so that newest first is one order.
      await new Promise((r) => setTimeout(r, 5));
      created.push(await ctx.rpc.call<JobView>(JobsRpc.Create, spec));
    }
    await ctx.db.query(`UPDATE jobs.jobs SET status = 'running' WHERE id = $1`, [created[3].job_id]);
  });

  it('filters by submitter, newest first, across pages without duplicates', async () => {
    expect(names(await allPages({ submitted_by: 'alice' }))).toEqual(['a3', 'a2', 'a1']);
  });

  it('filters by a label pair, using containment (other labels do not matter)', async () => {
    expect(names(await allPages({ label: 'team=net' }))).toEqual(['a3', 'b1', 'a1']);
    expect(names(await allPages({ label: 'tier=1' }))).toEqual(['b1']);
    expect(names(await allPages({ label: 'team=net=eq' }))).toEqual(['n1']);
    expect(await allPages({ label: 'team=ops' })).toEqual([]);
  });

  it('filters by creation time: at or after, strictly before', async () => {
    const at = (n: number) => created[n].created_at;
    expect(names(await allPages({ created_after: at(1), created_before: at(3) }))).toEqual(['a2', 'b1']);
    expect(names(await allPages({ created_after: at(4) }))).toEqual(['n1']);
  });

  it('combines filters', async () => {
    expect(names(await allPages({ submitted_by: 'alice', label: 'team=net', status: 'queued' }))).toEqual(['a1']);
    expect(names(await allPages({ submitted_by: 'alice', status: 'running' }))).toEqual(['a3']);
  });

  it('refuses a malformed filter as validation_failed, naming it', async () => {
    for (const [field, value] of [
      ['label', 'no-equals-sign'],
      ['created_after', 'yesterday'],
      ['status', 'sleeping'],
    ]) {
      const error = (await ctx.rpc.call(JobsRpc.List, { [field]: value }).catch((e: unknown) => e)) as ProctorError;
      expect(error.code).toBe('validation_failed');
      expect(Object.keys((error.details as { fields: object }).fields)).toEqual([field]);
    }
  });
});
