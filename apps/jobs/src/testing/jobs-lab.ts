import {
  AgentsEvent,
  ClaimJobMessage,
  JobClaimView,
  JobCommand,
  JobFinishedReport,
  jobLogRoutingKey,
  JobLogMessage,
  JobReport,
  JobsRpc,
  JobView,
  ProctorError,
} from '@proctor/contracts';
import { ServiceTestContext, SimulatedAgent, TEST_AMQP_URL, expectEventually } from '@proctor/testing';
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';

export type JobAgent = SimulatedAgent<JobCommand>;

export const isRunJob =
  (jobId?: string, attempt?: number) =>
  (c: JobCommand): boolean =>
    c.command === 'run_job' && (jobId === undefined || c.job_id === jobId) && (attempt === undefined || c.attempt === attempt);

export const isCancelJob =
  (jobId: string) =>
  (c: JobCommand): boolean =>
    c.command === 'cancel_job' && c.job_id === jobId;

/**
 * The world around the jobs service in its integration tests, on the real broker: agents announced
 * by the agents service's events and played as daemons (their queue, their claims over RPC as the
 * gateway forwards them, their reports and log chunks), and jobs queued over RPC.
 */
export class JobsLab {
  private connection?: amqp.ChannelModel;
  private events?: amqp.ConfirmChannel;
  private readonly agents: JobAgent[] = [];

  constructor(private readonly ctx: ServiceTestContext) {}

  async open(): Promise<void> {
    this.connection = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
    this.events = await this.connection.createConfirmChannel();
  }

  async close(): Promise<void> {
    for (const agent of this.agents) await agent.close();
    await this.connection?.close();
  }

  /** Publishes an agents event as the agents service's outbox relay does (persistent, with a message id); returns the id. */
  async publishEvent(routingKey: AgentsEvent, payload: object): Promise<string> {
    const events = this.ready(this.events);
    const messageId = randomUUID();
    events.publish(this.ctx.names.eventsExchange, routingKey, Buffer.from(JSON.stringify(payload)), { messageId, persistent: true, contentType: 'application/json' });
    await events.waitForConfirms();
    return messageId;
  }

  /** An agent whose queue is consumed, announced online with Docker (or not) and its max_jobs; returns once the jobs service knows it. */
  async agent(options: { docker?: boolean; maxJobs?: number; name?: string } = {}): Promise<JobAgent> {
    const agent = await SimulatedAgent.start<JobCommand>(this.ready(this.connection), this.ctx.names);
    this.agents.push(agent);
    const name = options.name ?? `lab-${agent.agentId.slice(0, 8)}`;
    const docker = { available: options.docker ?? true, verified_at: new Date().toISOString(), max_jobs: options.maxJobs ?? 1 };
    await this.publishEvent(AgentsEvent.Online, { agent_id: agent.agentId, name, capabilities: { docker } });
    await expectEventually(async () =>
      expect(await this.ctx.db.query('SELECT online FROM jobs.job_agents WHERE agent_id = $1', [agent.agentId])).toEqual([{ online: true }]),
    );
    return agent;
  }

  /** Announces the agent offline, with a presence_seq when given; returns the message id. */
  offline(agent: JobAgent, name = `lab-${agent.agentId.slice(0, 8)}`, presenceSeq?: number): Promise<string> {
    return this.publishEvent(AgentsEvent.Offline, { agent_id: agent.agentId, name, reason: 'timeout', last_heartbeat: null, presence_seq: presenceSeq });
  }

  /** Announces the agent online again (a new daemon session) with a presence_seq; returns the message id. */
  online(agent: JobAgent, name: string, presenceSeq: number): Promise<string> {
    const docker = { available: true, verified_at: new Date().toISOString(), max_jobs: 1 };
    return this.publishEvent(AgentsEvent.Online, { agent_id: agent.agentId, name, capabilities: { docker }, presence_seq: presenceSeq });
  }

  queue(spec: Record<string, unknown> = {}): Promise<JobView> {
    return this.ctx.rpc.call<JobView>(JobsRpc.Create, spec);
  }

  job(id: string): Promise<JobView> {
    return this.ctx.rpc.call<JobView>(JobsRpc.Get, { id });
  }

  claim(agent: JobAgent, jobId: string, attempt: number): Promise<JobClaimView> {
    const message: ClaimJobMessage = { agent_id: agent.agentId, job_id: jobId, attempt };
    return this.ctx.rpc.call<JobClaimView>(JobsRpc.Claim, message);
  }

  /** The claim's error code, or 'claimed'. */
  claimOutcome(agent: JobAgent, jobId: string, attempt: number): Promise<string> {
    return this.claim(agent, jobId, attempt).then(
      () => 'claimed',
      (e: unknown) => (e instanceof ProctorError ? e.code : String(e)),
    );
  }

  /** Waits for the offer of a job to the agent, claims it, and returns the claim. */
  async run(agent: JobAgent, jobId: string): Promise<JobClaimView> {
    const { command } = await agent.next(isRunJob(jobId));
    return this.claim(agent, jobId, command.attempt);
  }

  finished(agent: JobAgent, report: Omit<JobFinishedReport, 'agent_id' | 'exit_code' | 'last_seq'> & Partial<JobFinishedReport>): Promise<void> {
    const body: JobFinishedReport = { agent_id: agent.agentId, exit_code: 0, last_seq: 0, ...report };
    return agent.report(JobReport.Finished, body);
  }

  logChunk(agent: JobAgent, chunk: Omit<JobLogMessage, 'at'> & { at?: string }): Promise<void> {
    return agent.log(jobLogRoutingKey(chunk.job_id), { at: new Date().toISOString(), ...chunk });
  }

  async statusOf(jobId: string): Promise<string> {
    return (await this.job(jobId)).status;
  }

  /** Ends whatever a test left under way, so that the next test's agents and jobs meet nothing of it. */
  async reset(): Promise<void> {
    await this.ctx.db.query(`UPDATE jobs.jobs SET status = 'canceled', end_time = now() WHERE status IN ('queued', 'assigned', 'running')`);
    await this.ctx.db.query(`UPDATE jobs.job_agents SET online = false`);
  }

  private ready<T>(value: T | undefined): T {
    if (value === undefined) throw new Error('JobsLab: call open() in beforeAll first');
    return value;
  }
}
