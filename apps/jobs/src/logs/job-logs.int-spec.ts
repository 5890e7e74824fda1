import { jobLogRoutingKey, JobLogsView, JobsRpc } from '@proctor/contracts';
import { MessageHeader } from '@proctor/messaging';
import { expectEventually, serviceTest, TEST_AMQP_URL } from '@proctor/testing';
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { JOBS_SERVICE } from '../jobs.service-definition';
import { JobsLab } from '../testing/jobs-lab';
import { jobLogsQueue } from './job-log.consumer';

describe('job logs: stored from proctor.logs, replayed by jobs.logs (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(JOBS_SERVICE);
  const lab = new JobsLab(ctx);
  let connection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;

  beforeAll(async () => {
    await lab.open();
    connection = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
    channel = await connection.createConfirmChannel();
  });
  afterEach(() => lab.reset());
  afterAll(async () => {
    await connection.close();
    await lab.close();
  });

  const logs = (id: string, after: { after_attempt?: number; after_seq?: number; limit?: number } = {}) => ctx.rpc.call<JobLogsView>(JobsRpc.Logs, { id, ...after });
  const stored = async (jobId: string) =>
    Number((await ctx.db.query<{ count: string }>('SELECT count(*) FROM jobs.job_logs WHERE job_id = $1', [jobId]))[0].count);

  it('stores each chunk once, however often it is published, and replays them in order, page by page', async () => {
    const agent = await lab.agent();
    const job = await lab.queue();
    const { attempt } = await lab.run(agent, job.job_id);
    // Out of order, and chunk 2 twice (a daemon's retry after a lost confirm).
    for (const seq of [3, 1, 2, 2, 4]) await lab.logChunk(agent, { job_id: job.job_id, attempt, seq, data: `line ${seq}\n` });
    await expectEventually(async () => expect(await stored(job.job_id)).toBe(4));

    const first = await logs(job.job_id, { limit: 3 });
    expect(first).toMatchObject({ job_id: job.job_id, status: 'running', success: null, more: true, last: null });
    expect(first.chunks.map((c) => [c.attempt, c.seq, c.data])).toEqual([
      [1, 1, 'line 1\n'],
      [1, 2, 'line 2\n'],
      [1, 3, 'line 3\n'],
    ]);
    const rest = await logs(job.job_id, { after_attempt: 1, after_seq: 3, limit: 3 });
    expect(rest.chunks.map((c) => c.seq)).toEqual([4]);
    expect(rest.more).toBe(false);

    await lab.finished(agent, { job_id: job.job_id, attempt, outcome: 'succeeded', last_seq: 4 });
    await expectEventually(async () => expect((await logs(job.job_id, { after_attempt: 1, after_seq: 4 })).last).toEqual({ attempt: 1, seq: 4 }));
    expect((await logs(job.job_id, { after_attempt: 1, after_seq: 4 })).chunks).toEqual([]);
  });

  it('keeps the chunks of every attempt, the earlier run first', async () => {
    const agent = await lab.agent();
    const job = await lab.queue({ retries: 1 });
    await lab.run(agent, job.job_id);
    await lab.logChunk(agent, { job_id: job.job_id, attempt: 1, seq: 1, data: 'first run\n' });
    await expectEventually(async () => expect(await stored(job.job_id)).toBe(1));
    await lab.offline(agent);
    const next = await lab.agent();
    const { attempt } = await lab.run(next, job.job_id);
    expect(attempt).toBe(2);
    await lab.logChunk(next, { job_id: job.job_id, attempt, seq: 1, data: 'second run\n' });
    await expectEventually(async () => expect((await logs(job.job_id)).chunks.map((c) => `${c.attempt}-${c.seq} ${c.data}`)).toEqual(['1-1 first run\n', '2-1 second run\n']));
  });

  it('stores output with a NUL character (which Postgres text cannot hold) rather than lose its batch', async () => {
    const agent = await lab.agent();
    const job = await lab.queue();
    const { attempt } = await lab.run(agent, job.job_id);
    await lab.logChunk(agent, { job_id: job.job_id, attempt, seq: 1, data: 'bin\u0000ary\n' });
    await expectEventually(async () => expect((await logs(job.job_id)).chunks.map((c) => c.data)).toEqual(['bin\uFFFDary\n']));
  });

  it('dead-letters a chunk that is invalid or of no job, with the reason, and stores the others', async () => {
    const agent = await lab.agent();
    const job = await lab.queue();
    const { attempt } = await lab.run(agent, job.job_id);
    const unknown = randomUUID();
    await lab.logChunk(agent, { job_id: job.job_id, attempt, seq: 0, data: 'seq 0 is not a chunk\n' });
    await lab.logChunk(agent, { job_id: unknown, attempt: 1, seq: 1, data: 'whose?\n' });
    await lab.logChunk(agent, { job_id: job.job_id, attempt, seq: 1, data: 'fine\n' });
    await expectEventually(async () => expect(await stored(job.job_id)).toBe(1));

    const dead: Record<string, string> = {};
    await expectEventually(async () => {
      for (let msg = await channel.get(ctx.names.deadQueue(jobLogsQueue(ctx.names)), { noAck: true }); msg; msg = await channel.get(ctx.names.deadQueue(jobLogsQueue(ctx.names)), { noAck: true })) {
        const body = JSON.parse(msg.content.toString('utf8')) as { job_id: string; seq: number };
        dead[`${body.job_id}/${body.seq}`] = String(msg.properties.headers?.[MessageHeader.DeadReason]);
        expect(msg.fields.routingKey).toBe(jobLogsQueue(ctx.names));
        expect(msg.properties.headers?.[MessageHeader.OriginalRoutingKey]).toBe(jobLogRoutingKey(body.job_id));
      }
      expect(Object.keys(dead).sort()).toEqual([`${job.job_id}/0`, `${unknown}/1`].sort());
    });
    expect(dead[`${job.job_id}/0`]).toContain('seq');
    expect(dead[`${unknown}/1`]).toBe(`no job with id ${unknown}`);
  });

  it('answers job_not_found for the log of an unknown job', async () => {
    await expect(logs(randomUUID())).rejects.toMatchObject({ code: 'job_not_found' });
  });
});
