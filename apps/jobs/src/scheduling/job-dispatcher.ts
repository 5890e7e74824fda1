import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundLoop } from '@proctor/messaging';
import { MetricsService } from '@proctor/observability';
import { JOBS_CONFIG, JobsConfig } from '../jobs-config';
import { planAssignments } from './job-assignment-plan';
import { JobAgentRepository } from './job-agent.repository';
import { JobCommands } from './job-commands';
import { JobQueueRepository } from './job-queue.repository';

/**
 * Offers queued jobs to online Docker agents with a free slot. A cycle runs in one transaction under
 * an advisory lock (so two replicas never overfill an agent): the head of the queue, up to the free
 * slots in all; the plan; a conditional update per offer (queued → assigned, a new attempt). After
 * the commit each agent gets `run_job` on its queue. A command that cannot be put there (no queue,
 * broker away) leaves the job assigned: the sweeper puts an offer not claimed in time back in the queue.
 *
 * Woken when a job is queued (the service's own `jobs.job.queued`), when one finishes or goes back
 * to the queue, when an agent comes online; a tick every JOBS_SWEEP_INTERVAL_MS is the backstop.
 */
@Injectable()
export class JobDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobDispatcher.name);
  private readonly loop: BackgroundLoop;
  private readonly queued;

  constructor(
    private readonly queue: JobQueueRepository,
    private readonly agents: JobAgentRepository,
    private readonly commands: JobCommands,
    @Inject(JOBS_CONFIG) config: JobsConfig,
    metrics: MetricsService,
  ) {
    this.loop = new BackgroundLoop('JobDispatcher', () => this.cycle(), config.sweepIntervalMs);
    this.queued = metrics.gauge('proctor_jobs_queued', 'Jobs waiting in the queue for an agent');
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.commands.start();
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Dispatches now (after a commit that may have made work possible); returns at once. */
  wake(): void {
    this.loop.wake();
  }

  private async cycle(): Promise<void> {
    const { offers, lost } = await this.queue.transaction(async (manager) => {
      await this.queue.lockDispatch(manager);
      const agents = await this.agents.dockerAgentsWithLoad(manager);
      const free = agents.reduce((n, a) => n + Math.max(0, a.max_jobs - a.active), 0);
      if (free === 0) return { offers: [], lost: 0 };
      const plan = planAssignments(await this.queue.head(manager, free), agents);
      const offers: { id: string; agent_id: string; attempt: number }[] = [];
      for (const { job_id, agent_id } of plan) {
        const offer = await this.queue.offer(manager, job_id, agent_id);
        if (offer) offers.push(offer);
      }
      return { offers, lost: plan.length - offers.length };
    });
    await Promise.all(offers.map((o) => this.commands.send(o.agent_id, { command: 'run_job', job_id: o.id, attempt: o.attempt })));
    if (offers.length > 0) this.logger.log({ msg: 'jobs offered', offers: offers.map((o) => ({ job_id: o.id, agent_id: o.agent_id, attempt: o.attempt })) });
    // Jobs canceled between the read and the offer left slots free that the next head may fill.
    if (lost > 0) this.wake();
    this.queued.set(await this.queue.countQueued());
  }
}
