import { JobCancellingReport, JobReport, JobsEvent, JobsRpc, JobView, ProctorError, ReconcileJobsView } from '@proctor/contracts';
import { expectEventually, serviceTest } from '@proctor/testing';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { JOBS_SERVICE } from '../jobs.service-definition';
import { isCancelJob, isRunJob, JobAgent, JobsLab } from '../testing/jobs-lab';

const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

/** A job's run with short timers: offers time out after 1 s, cancels are resent after 1 s, runs get 1 s of grace. */
describe('jobs execution: claims, reports, cancels, lost agents, timers and webhooks (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(JOBS_SERVICE, {
    env: {
      JOBS_SWEEP_INTERVAL_MS: '200',
      JOBS_CLAIM_TIMEOUT_SECONDS: '1',
      JOBS_CANCEL_RESEND_SECONDS: '1',
      JOBS_RUN_GRACE_SECONDS: '1',
      JOBS_WEBHOOK_SECRET: WEBHOOK_SECRET,
      JOBS_WEBHOOK_RETRY_BASE_MS: '100',
      JOBS_WEBHOOK_MAX_ATTEMPTS: '3',
      // The receiver below listens on loopback, which webhooks may not reach unless allowed.
      JOBS_WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
    }
  });
  const lab = new JobsLab(ctx);

  beforeAll(() => lab.open());
  afterEach(() => lab.reset());
  afterAll(() => lab.close());

  const row = async (jobId: string) =>
    (await ctx.db.query<Record<string, unknown>>('SELECT status, last_seq, cancel_requested_at, cancel_acknowledged_at, stopped FROM jobs.jobs WHERE id = $1', [jobId]))[0];
  const finishedEvents = (jobId: string) =>
    ctx.db.query<{ payload: Record<string, unknown> }>(`SELECT payload FROM jobs.outbox WHERE routing_key = $1 AND payload->>'job_id' = $2`, [JobsEvent.Finished, jobId]);
  const cancel = (id: string, requestedBy = 'admin') => ctx.rpc.call<JobView>(JobsRpc.Cancel, { id, requested_by: requestedBy });
  const errorCode = (call: Promise<unknown>) => call.then(
    () => 'ok',
    (e: unknown) => (e instanceof ProctorError ? e.code : String(e)),
  );

  /** Reports the service has handled with this outcome, from its own metrics. */
  async function reportsHandled(outcome: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${ctx.service.port}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('proctor_jobs_reports_total{') && l.includes(`outcome="${outcome}"`))
      .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
  }

  /** A job running on the agent (claimed), and the claim's attempt. */
  async function running(agent: JobAgent, spec: Record<string, unknown> = {}): Promise<{ job: JobView; attempt: number }> {
    const job = await lab.queue(spec);
    const claim = await lab.run(agent, job.job_id);
    return { job, attempt: claim.attempt };
  }

  it('puts an offer not claimed in time back in the queue, and refuses the late claim as stale', async () => {
    const agent = await lab.agent();
    const job = await lab.queue();
    await agent.next(isRunJob(job.job_id, 1));
    const { command: again } = await agent.next(isRunJob(job.job_id, 2), 5000);
    expect(again.attempt).toBe(2);
    expect(await lab.claimOutcome(agent, job.job_id, 1)).toBe('job_attempt_stale');
    expect(await lab.claimOutcome(agent, job.job_id, 2)).toBe('claimed');
  });

  it('completes a job on its finished report, keeping its exit code and last chunk, and announces it', async () => {
    const agent = await lab.agent();
    const { job, attempt } = await running(agent);
    await lab.finished(agent, { job_id: job.job_id, attempt, outcome: 'succeeded', exit_code: 0, last_seq: 12 });
    await expectEventually(async () => expect(await lab.job(job.job_id)).toMatchObject({ status: 'completed', success: true, exit_code: 0, reason: null }));
    const finished = await lab.job(job.job_id);
    expect(finished.end_time).not.toBeNull();
    expect(await row(job.job_id)).toMatchObject({ last_seq: 12 });
    expect(await finishedEvents(job.job_id)).toEqual([
      {
        payload: { job_id: job.job_id, status: 'completed', success: true, attempt, exit_code: 0, reason: null, last_seq: 12, end_time: finished.end_time },
      },
    ]);
  });

  it('refuses a report of a stale attempt, and a repeated one, changing nothing', async () => {
    const agent = await lab.agent();
    const { job, attempt } = await running(agent, { limits: { memory_mb: 64 } });
    const stale = await reportsHandled('job_attempt_stale');
    await lab.finished(agent, { job_id: job.job_id, attempt: attempt + 1, outcome: 'succeeded' });
    await expectEventually(async () => expect(await reportsHandled('job_attempt_stale')).toBe(stale + 1));
    expect(await lab.statusOf(job.job_id)).toBe('running');

    const report = { job_id: job.job_id, attempt, outcome: 'failed' as const, exit_code: 137, oom_killed: true, last_seq: 3 };
    await lab.finished(agent, report);
    await expectEventually(async () =>
      expect(await lab.job(job.job_id)).toMatchObject({ status: 'failed', success: false, exit_code: 137, reason: 'killed at its memory limit (64 MiB)' }),
    );
    const conflicts = await reportsHandled('job_state_conflict');
    await lab.finished(agent, { ...report, exit_code: 0, outcome: 'succeeded' });
    await expectEventually(async () => expect(await reportsHandled('job_state_conflict')).toBe(conflicts + 1));
    expect(await lab.job(job.job_id)).toMatchObject({ status: 'failed', exit_code: 137 });
    expect(await finishedEvents(job.job_id)).toHaveLength(1);
  });

  it('cancels a queued job at once, and refuses to cancel it again', async () => {
    const job = await lab.queue();
    const canceled = await cancel(job.job_id);
    expect(canceled).toMatchObject({ status: 'canceled', success: false, reason: 'canceled by admin before it started' });
    expect(canceled.end_time).not.toBeNull();
    expect(await finishedEvents(job.job_id)).toEqual([{ payload: expect.objectContaining({ status: 'canceled', success: false, attempt: 0, last_seq: 0 }) }]);
    expect(await errorCode(cancel(job.job_id))).toBe('job_state_conflict');
    expect(await errorCode(cancel(randomUUID()))).toBe('job_not_found');
  });

  it('cancels an offered job at once and tells its agent, whose claim is then refused', async () => {
    const agent = await lab.agent();
    const job = await lab.queue();
    const { command } = await agent.next(isRunJob(job.job_id));
    expect(await cancel(job.job_id)).toMatchObject({ status: 'canceled' });
    const { command: stop } = await agent.next(isCancelJob(job.job_id));
    expect(stop).toEqual({ command: 'cancel_job', job_id: job.job_id, attempt: command.attempt });
    expect(await lab.claimOutcome(agent, job.job_id, command.attempt)).toBe('job_state_conflict');
  });

  it('stops a running job: cancel_job until its agent acknowledges, then canceled as the agent reports, with how it stopped', async () => {
    const agent = await lab.agent();
    const { job, attempt } = await running(agent);
    const requested = await cancel(job.job_id);
    expect(requested).toMatchObject({ status: 'running', reason: 'canceled by admin while it ran' });
    expect(requested.cancel_requested_at).not.toBeNull();
    const first = await agent.next(isCancelJob(job.job_id));
    expect(first.command).toEqual({ command: 'cancel_job', job_id: job.job_id, attempt });
    // Not acknowledged: sent again after JOBS_CANCEL_RESEND_SECONDS.
    await agent.next(isCancelJob(job.job_id), 5000, agent.received.indexOf(first) + 1);

    const ack: JobCancellingReport = { agent_id: agent.agentId, job_id: job.job_id, attempt };
    await agent.report(JobReport.Cancelling, ack);
    await expectEventually(async () => expect((await row(job.job_id)).cancel_acknowledged_at).toBeInstanceOf(Date));
    const sent = agent.commands(isCancelJob(job.job_id)).length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(agent.commands(isCancelJob(job.job_id))).toHaveLength(sent);

    // Asked again: the agent is told again, and the first request stands.
    expect((await cancel(job.job_id, 'someone-else')).cancel_requested_at).toBe(requested.cancel_requested_at);
    await expectEventually(() => expect(agent.commands(isCancelJob(job.job_id))).toHaveLength(sent + 1));

    const stopped = { container: `proctor-job-${job.job_id}-${attempt}`, signal: 'SIGTERM' as const };
    await lab.finished(agent, { job_id: job.job_id, attempt, outcome: 'canceled', exit_code: 143, last_seq: 4, stopped });
    await expectEventually(async () =>
      expect(await lab.job(job.job_id)).toMatchObject({ status: 'canceled', success: false, reason: 'canceled by admin while it ran', stopped }),
    );
  });

  it('puts the jobs of an agent gone offline back in the queue while they have retries, and fails the others', async () => {
    const agent = await lab.agent({ maxJobs: 2, name: 'lab-gone' });
    const retried = await running(agent, { retries: 1 });
    const once = await running(agent, { retries: 0 });
    await lab.offline(agent, 'lab-gone');
    await expectEventually(async () =>
      expect(await lab.job(once.job.job_id)).toMatchObject({ status: 'failed', reason: 'agent lab-gone was lost while running the job' }),
    );
    expect(await lab.job(retried.job.job_id)).toMatchObject({ status: 'queued', agent_id: null, start_time: null, attempt: 1 });
    expect(await finishedEvents(once.job.job_id)).toHaveLength(1);

    const another = await lab.agent();
    await another.next(isRunJob(retried.job.job_id, 2));
  });

  it('keeps an agent online and its jobs when its offline event arrives after the newer online one (presence_seq)', async () => {
    const agent = await lab.agent({ name: 'lab-back' });
    const held = await running(agent);
    await lab.online(agent, 'lab-back', 7);
    // Applied first, as it would be in the race this guards against (events are handled concurrently).
    await expectEventually(async () =>
      expect(await ctx.db.query('SELECT presence_seq FROM jobs.job_agents WHERE agent_id = $1', [agent.agentId])).toEqual([{ presence_seq: '7' }]),
    );
    const stale = await lab.offline(agent, 'lab-back', 6);
    await expectEventually(async () =>
      expect(await ctx.db.query('SELECT consumer FROM jobs.inbox WHERE message_id = $1', [stale])).toEqual([{ consumer: 'jobs.agent-loss' }]),
    );
    expect(await ctx.db.query('SELECT online, presence_seq FROM jobs.job_agents WHERE agent_id = $1', [agent.agentId])).toEqual([{ online: true, presence_seq: '7' }]);
    expect(await lab.job(held.job.job_id)).toMatchObject({ status: 'running', agent_id: agent.agentId, attempt: held.attempt });

    await lab.offline(agent, 'lab-back', 8);
    await expectEventually(async () => expect(await lab.job(held.job.job_id)).toMatchObject({ status: 'failed', reason: 'agent lab-back was lost while running the job' }));
    expect(await ctx.db.query('SELECT online, presence_seq FROM jobs.job_agents WHERE agent_id = $1', [agent.agentId])).toEqual([{ online: false, presence_seq: '8' }]);
  });

  it('reconciles a restarted agent: what it no longer holds is lost, what it holds and is not its own is stopped', async () => {
    const agent = await lab.agent({ maxJobs: 3 });
    const kept = await running(agent);
    const gone = await running(agent);
    const offered = await lab.queue();
    await agent.next(isRunJob(offered.job_id, 1));
    const stranger = randomUUID();

    const view = await ctx.rpc.call<ReconcileJobsView>(JobsRpc.Reconcile, {
      agent_id: agent.agentId,
      held: [
        { job_id: kept.job.job_id, attempt: kept.attempt },
        { job_id: stranger, attempt: 1 },
      ],
    });
    expect(view.lost.sort((a, b) => a.job_id.localeCompare(b.job_id))).toEqual(
      [
        { job_id: gone.job.job_id, attempt: gone.attempt },
        { job_id: offered.job_id, attempt: 1 },
      ].sort((a, b) => a.job_id.localeCompare(b.job_id)),
    );
    expect(await lab.statusOf(kept.job.job_id)).toBe('running');
    expect(await lab.job(gone.job.job_id)).toMatchObject({ status: 'failed', reason: expect.stringContaining('was lost while running the job') });
    // An offer never claimed costs no retry: it is offered again.
    await agent.next(isRunJob(offered.job_id, 2));
    await agent.next(isCancelJob(stranger));
  });

  it('times out a running job no word comes of, and tells its agent to stop it', async () => {
    const agent = await lab.agent({ name: 'lab-silent' });
    const { job, attempt } = await running(agent, { timeout_seconds: 1 });
    await expectEventually(
      async () =>
        expect(await lab.job(job.job_id)).toMatchObject({
          status: 'timed_out',
          success: false,
          reason: 'no word from agent lab-silent within its timeout of 1 s and 1 s of grace',
        }),
      { timeoutMs: 6000 },
    );
    const { command } = await agent.next(isCancelJob(job.job_id));
    expect(command.attempt).toBe(attempt);
  });

  describe('webhooks', () => {
    let server: Server;
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    let answers: number[] = [];

    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.statusCode = answers.shift() ?? 200;
          res.end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
    const deliveries = (jobId: string) =>
      ctx.db.query<{ attempts: number; delivered_at: Date | null; gave_up_at: Date | null; last_error: string | null }>(
        'SELECT attempts, delivered_at, gave_up_at, last_error FROM jobs.webhook_deliveries WHERE job_id = $1',
        [jobId],
      );

    it('POSTs the finished job, signed, and retries it after a failure until it is taken', async () => {
      answers = [500];
      const agent = await lab.agent();
      const { job, attempt } = await running(agent, { webhook_url: url('/hooks/ci') });
      await lab.finished(agent, { job_id: job.job_id, attempt, outcome: 'succeeded', last_seq: 2 });
      await expectEventually(async () => expect(await deliveries(job.job_id)).toEqual([{ attempts: 2, delivered_at: expect.any(Date), gave_up_at: null, last_error: null }]));

      const posts = received.filter((r) => r.body.includes(job.job_id));
      expect(posts).toHaveLength(2);
      const [first, second] = posts;
      expect(second.body).toBe(first.body);
      expect(second.headers['x-proctor-delivery']).toBe(first.headers['x-proctor-delivery']);
      expect(first.headers['x-proctor-event']).toBe('job.finished');
      expect(first.headers['content-type']).toBe('application/json');
      expect(first.headers['x-proctor-signature']).toBe(`sha256=${createHmac('sha256', WEBHOOK_SECRET).update(first.body).digest('hex')}`);
      expect(JSON.parse(first.body)).toEqual((await finishedEvents(job.job_id))[0].payload);
      expect(JSON.parse(first.body)).toMatchObject({ job_id: job.job_id, status: 'completed', success: true, last_seq: 2 });
    });

    it('gives a webhook up after JOBS_WEBHOOK_MAX_ATTEMPTS failures, saying why', async () => {
      answers = [503, 503, 503];
      const job = await lab.queue({ webhook_url: url('/hooks/down') });
      await cancel(job.job_id);
      await expectEventually(async () => expect(await deliveries(job.job_id)).toEqual([{ attempts: 3, delivered_at: null, gave_up_at: expect.any(Date), last_error: 'HTTP 503' }]));
      expect(received.filter((r) => r.body.includes(job.job_id))).toHaveLength(3);
    });

    it('gives a webhook to an internal address up at once, without POSTing, saying why', async () => {
      const job = await lab.queue({ webhook_url: 'http://10.255.255.1:8080/hooks/ci' });
      await cancel(job.job_id);
      await expectEventually(async () =>
        expect(await deliveries(job.job_id)).toEqual([
          {
            attempts: 1,
            delivered_at: null,
            gave_up_at: expect.any(Date),
            last_error: 'refused: 10.255.255.1 is a private address (JOBS_WEBHOOK_ALLOWED_CIDRS can allow internal networks)',
          },
        ]),
      );
    });
  });
});
