import { JobsEvent } from '@proctor/contracts';
import { expectEventually, serviceTest, startService } from '@proctor/testing';
import { JOBS_SERVICE } from '../jobs.service-definition';
import { isRunJob, JobAgent, JobsLab } from '../testing/jobs-lab';

/**
 * The jobs service stopped (a deploy, a crash that closed cleanly) and started again on the same
 * database and broker namespace while daemons go on publishing, and two replicas side by side:
 * nothing is lost, nothing applied twice, no agent overfilled.
 */
describe('jobs service restarted, and replicated (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(JOBS_SERVICE, { });
  const lab = new JobsLab(ctx);

  beforeAll(() => lab.open());
  afterEach(() => lab.reset());
  afterAll(() => lab.close());

  const count = async (sql: string, params: unknown[]) => Number((await ctx.db.query<{ count: string }>(sql, params))[0].count);

  it('loses no log chunk and no report published while it was down', async () => {
    const agent = await lab.agent({ maxJobs: 4 });
    const jobs = await Promise.all([1, 2, 3, 4].map(() => lab.queue()));
    const claims = await Promise.all(jobs.map((job) => lab.run(agent, job.job_id)));
    const chunks = 100;

    // The daemon goes on: output of every job, then each job's finished report, after its last chunk.
    const publishing = (async () => {
      for (let seq = 1; seq <= chunks; seq++) {
        for (const claim of claims) await lab.logChunk(agent, { job_id: claim.job_id, attempt: claim.attempt, seq, data: `${claim.job_id} line ${seq}\n` });
        await new Promise((r) => setTimeout(r, 10));
      }
      for (const claim of claims) await lab.finished(agent, { job_id: claim.job_id, attempt: claim.attempt, outcome: 'succeeded', last_seq: chunks });
    })();

    const ids = jobs.map((j) => j.job_id);
    await expectEventually(async () => expect(await count('SELECT count(*) FROM jobs.job_logs WHERE job_id = ANY($1)', [ids])).toBeGreaterThan(0));
    await ctx.service.stop();
    ctx.service = undefined;
    await publishing;
    const whileDown = await count('SELECT count(*) FROM jobs.job_logs WHERE job_id = ANY($1)', [ids]);
    expect(whileDown).toBeLessThan(chunks * jobs.length);

    ctx.service = await startService(JOBS_SERVICE, { db: ctx.db, namespace: ctx.namespace });
    await expectEventually(async () => expect(await count(`SELECT count(*) FROM jobs.jobs WHERE id = ANY($1) AND status = 'completed'`, [ids])).toBe(jobs.length));
    expect(await count('SELECT count(*) FROM jobs.job_logs WHERE job_id = ANY($1)', [ids])).toBe(chunks * jobs.length);
    expect(await count('SELECT count(*) FROM jobs.jobs WHERE id = ANY($1) AND last_seq = $2', [ids, chunks])).toBe(jobs.length);
    expect(await count(`SELECT count(*) FROM jobs.outbox WHERE routing_key = $1 AND payload->>'job_id' = ANY($2)`, [JobsEvent.Finished, ids])).toBe(jobs.length);
    for (const id of ids) {
      const seqs = await ctx.db.query<{ seq: number }>('SELECT seq FROM jobs.job_logs WHERE job_id = $1 ORDER BY seq', [id]);
      expect(seqs.map((r) => r.seq)).toEqual(Array.from({ length: chunks }, (_, i) => i + 1));
    }
  });

  it('never overfills an agent with two replicas dispatching, and offers each job once', async () => {
    const replica = await startService(JOBS_SERVICE, { db: ctx.db, namespace: ctx.namespace });
    try {
      const agents = [await lab.agent({ maxJobs: 2 }), await lab.agent({ maxJobs: 1 })];
      const limits = new Map(agents.map((a, i) => [a.agentId, i === 0 ? 2 : 1]));
      const jobs = await Promise.all(Array.from({ length: 12 }, () => lab.queue()));
      const ids = jobs.map((j) => j.job_id);

      let overfilled = '';
      let watching = true;
      const watch = (async () => {
        while (watching) {
          const load = await ctx.db.query<{ agent_id: string; count: string }>(
            `SELECT agent_id, count(*) FROM jobs.jobs WHERE status IN ('assigned', 'running') AND id = ANY($1) GROUP BY agent_id`,
            [ids],
          );
          for (const { agent_id, count: n } of load) if (Number(n) > (limits.get(agent_id) ?? 0)) overfilled = `${agent_id} held ${n}`;
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      // Each agent runs what it is offered, one offer after the other, until every job is done.
      const done = new Set<string>();
      const work = async (agent: JobAgent) => {
        for (let i = 0; done.size < ids.length; ) {
          const offer = await agent.next(isRunJob(), 500, i).catch(() => undefined);
          if (!offer) continue;
          i++;
          await lab.claim(agent, offer.command.job_id, offer.command.attempt);
          await new Promise((r) => setTimeout(r, 20));
          done.add(offer.command.job_id);
          await lab.finished(agent, { job_id: offer.command.job_id, attempt: offer.command.attempt, outcome: 'succeeded' });
        }
      };
      await Promise.all(agents.map(work));
      // No job is left to offer: the watch (the one user of the test's database client meanwhile) may stop.
      watching = false;
      await watch;
      await expectEventually(async () => expect(await count(`SELECT count(*) FROM jobs.jobs WHERE id = ANY($1) AND status = 'completed'`, [ids])).toBe(ids.length));

      expect(overfilled).toBe('');
      const offers = agents.flatMap((a) => a.commands(isRunJob()).map((c) => c.job_id));
      expect(offers.sort()).toEqual([...ids].sort());
    } finally {
      await replica.stop();
    }
  });
});
