import { JobsEvent } from '@proctor/contracts';
import { expectEventually, serviceTest } from '@proctor/testing';
import { JOBS_SERVICE } from '../jobs.service-definition';
import { isRunJob, JobsLab } from '../testing/jobs-lab';

/**
 * Dispatch with no backstop tick to lean on (the sweep interval is a minute): whatever an agent is
 * offered here came from a wake-up (a job queued, an agent online, a job finished).
 */
describe('jobs dispatch to agents (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(JOBS_SERVICE, {
    env: { JOBS_SWEEP_INTERVAL_MS: '60000', JOBS_CLAIM_TIMEOUT_SECONDS: '600' },
  });
  const lab = new JobsLab(ctx);

  beforeAll(() => lab.open());
  afterEach(() => lab.reset());
  afterAll(() => lab.close());

  it('offers a queued job at once to an online agent with Docker, and never to one without', async () => {
    const withoutDocker = await lab.agent({ docker: false, maxJobs: 4 });
    const withDocker = await lab.agent({ maxJobs: 1 });
    const queuedAt = Date.now();
    const job = await lab.queue({ labels: { case: 'first-offer' } });

    const { command } = await withDocker.next(isRunJob(job.job_id), 3000);
    expect(command).toEqual({ command: 'run_job', job_id: job.job_id, attempt: 1 });
    expect(Date.now() - queuedAt).toBeLessThan(3000);
    expect(await lab.job(job.job_id)).toMatchObject({ status: 'assigned', agent_id: withDocker.agentId, attempt: 1 });
    expect(withoutDocker.commands()).toEqual([]);
  });

  it('never offers an agent more jobs than its max_jobs, and offers the next when one finishes', async () => {
    const agent = await lab.agent({ maxJobs: 2 });
    const jobs = [await lab.queue(), await lab.queue(), await lab.queue()];
    await agent.next(isRunJob(jobs[0].job_id));
    await agent.next(isRunJob(jobs[1].job_id));
    // Time enough for a third offer to show itself, were there one.
    await new Promise((r) => setTimeout(r, 500));
    expect(agent.commands()).toHaveLength(2);
    expect(await lab.statusOf(jobs[2].job_id)).toBe('queued');

    await lab.claim(agent, jobs[0].job_id, 1);
    await lab.finished(agent, { job_id: jobs[0].job_id, attempt: 1, outcome: 'succeeded' });
    await agent.next(isRunJob(jobs[2].job_id));
    expect(agent.commands()).toHaveLength(3);
  });

  it('offers the highest priority first, and FIFO within a priority, once an agent comes online', async () => {
    // Apart by more than the stored millisecond, so that FIFO is one order, not a tie.
    const queued = async (priority: number) => {
      await new Promise((r) => setTimeout(r, 5));
      return lab.queue({ priority });
    };
    const first = await queued(0);
    const urgent = await queued(5);
    const second = await queued(0);
    const low = await queued(-2);
    const agent = await lab.agent({ maxJobs: 1 });

    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { command } = await agent.next(isRunJob(), 5000, i);
      order.push(command.job_id);
      await lab.claim(agent, command.job_id, command.attempt);
      await lab.finished(agent, { job_id: command.job_id, attempt: command.attempt, outcome: 'succeeded' });
    }
    expect(order).toEqual([urgent.job_id, first.job_id, second.job_id, low.job_id]);
    await expectEventually(async () => expect(await lab.statusOf(low.job_id)).toBe('completed'));
  });

  it('spreads jobs over agents, each up to its own max_jobs', async () => {
    const small = await lab.agent({ maxJobs: 1 });
    const large = await lab.agent({ maxJobs: 3 });
    const jobs = await Promise.all([1, 2, 3, 4, 5].map(() => lab.queue()));
    await small.next(isRunJob());
    for (let i = 0; i < 3; i++) await large.next(isRunJob(), 5000, i);
    await new Promise((r) => setTimeout(r, 300));
    expect(small.commands()).toHaveLength(1);
    expect(large.commands()).toHaveLength(3);
    const statuses = await Promise.all(jobs.map((j) => lab.statusOf(j.job_id)));
    expect(statuses.filter((s) => s === 'assigned')).toHaveLength(4);
    expect(statuses.filter((s) => s === 'queued')).toHaveLength(1);
  });

  it('answers a claim repeated by its agent (a lost answer) alike, and announces the start once', async () => {
    const agent = await lab.agent();
    const job = await lab.queue();
    const { command } = await agent.next(isRunJob(job.job_id));
    const outcomes = await Promise.all([lab.claimOutcome(agent, job.job_id, command.attempt), lab.claimOutcome(agent, job.job_id, command.attempt)]);
    expect(outcomes).toEqual(['claimed', 'claimed']);
    expect(await lab.job(job.job_id)).toMatchObject({ status: 'running', agent_id: agent.agentId, attempt: 1 });
    expect((await lab.job(job.job_id)).start_time).not.toBeNull();
    const started = await ctx.db.query(`SELECT payload FROM jobs.outbox WHERE routing_key = $1 AND payload->>'job_id' = $2`, [JobsEvent.Started, job.job_id]);
    expect(started).toEqual([{ payload: { job_id: job.job_id, attempt: 1, agent_id: agent.agentId } }]);
  });

  it('refuses a claim from another agent, of another attempt, or of an unknown job', async () => {
    const agent = await lab.agent();
    const other = await lab.agent({ maxJobs: 0 });
    const job = await lab.queue();
    const { command } = await agent.next(isRunJob(job.job_id));
    expect(await lab.claimOutcome(other, job.job_id, command.attempt)).toBe('job_state_conflict');
    expect(await lab.claimOutcome(agent, job.job_id, command.attempt + 1)).toBe('job_attempt_stale');
    expect(await lab.claimOutcome(agent, '00000000-0000-4000-8000-000000000000', 1)).toBe('job_not_found');
    expect(await lab.statusOf(job.job_id)).toBe('assigned');
  });

  it('gives the claiming agent all it needs to run the job: the spec with env values and its signed URLs', async () => {
    const agent = await lab.agent();
    const job = await lab.queue({
      image: 'proctor-runner:test',
      command: ['sh', '-c', 'make check'],
      env: { TOKEN: 's3cret' },
      timeout_seconds: 90,
      limits: { cpus: 0.5, memory_mb: 128, pids: 64 },
      artifacts: ['out/report.xml'],
    });
    const claim = await lab.run(agent, job.job_id);
    expect(claim).toMatchObject({
      job_id: job.job_id,
      attempt: 1,
      image: 'proctor-runner:test',
      command: ['sh', '-c', 'make check'],
      env: { TOKEN: 's3cret' },
      timeout_seconds: 90,
      limits: { cpus: 0.5, memory_mb: 128, pids: 64 },
      network: 'none',
      artifacts: ['out/report.xml'],
      workspace_url: null,
    });
    expect(claim.artifact_upload_url).toMatch(new RegExp(`/artifacts/${job.job_id}/1\\?expires=\\d+&sig=`));
  });
});
