import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundLoop } from '@proctor/messaging';
import { Job } from '../job/job.entity';
import { JOBS_CONFIG, JobsConfig } from '../jobs-config';
import { JobAgentRepository } from '../scheduling/job-agent.repository';
import { JobCommands } from '../scheduling/job-commands';
import { overdueRunEnding } from './job-ending';
import { JobExecutionRepository } from './job-execution.repository';
import { JobChanges, JobFinisher } from './job-finisher';

const BATCH = 100;

/**
 * The timers of a run, every JOBS_SWEEP_INTERVAL_MS: an offer not claimed within
 * JOBS_CLAIM_TIMEOUT_SECONDS goes back to the queue; a cancel not acknowledged within
 * JOBS_CANCEL_RESEND_SECONDS is sent again; a run with no word past its timeout and
 * JOBS_RUN_GRACE_SECONDS ends timed_out (and its agent is told to stop it, should it still run).
 * Rows are locked with SKIP LOCKED and updated conditionally, so replicas share the work.
 */
@Injectable()
export class JobSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobSweeper.name);
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly executions: JobExecutionRepository,
    private readonly agents: JobAgentRepository,
    private readonly finisher: JobFinisher,
    private readonly commands: JobCommands,
    @Inject(JOBS_CONFIG) private readonly config: JobsConfig,
  ) {
    this.loop = new BackgroundLoop('JobSweeper', () => this.sweep(), config.sweepIntervalMs);
  }

  onApplicationBootstrap(): void {
    // Not at once: after a restart, the reports that queued up meanwhile are applied first.
    this.loop.start(this.config.sweepIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  async sweep(): Promise<void> {
    await this.requeueExpiredOffers();
    await this.timeOutOverdueRuns();
    await this.resendCancels();
  }

  private async requeueExpiredOffers(): Promise<void> {
    const changes = new JobChanges();
    await this.executions.transaction(async (manager) => {
      for (const job of await this.executions.lockExpiredOffers(manager, this.config.claimTimeoutSeconds, BATCH)) {
        const requeued = await this.executions.requeue(manager, job);
        if (requeued) changes.requeued.push(requeued);
      }
    });
    if (changes.requeued.length > 0) this.logger.log({ msg: 'offers not claimed in time', job_ids: changes.requeued.map((j) => j.id) });
    this.finisher.settled(changes);
  }

  private async timeOutOverdueRuns(): Promise<void> {
    const changes = new JobChanges();
    const overdue: Job[] = await this.executions.transaction(async (manager) => {
      const jobs = await this.executions.lockOverdueRuns(manager, this.config.runGraceSeconds, BATCH);
      for (const job of jobs) {
        const agent = job.agent_id ? await this.agents.nameOf(manager, job.agent_id) : 'unknown';
        await this.finisher.finish(manager, job, overdueRunEnding(agent, job, this.config.runGraceSeconds), changes);
      }
      return jobs;
    });
    this.finisher.settled(changes);
    await this.stop(overdue);
  }

  private async resendCancels(): Promise<void> {
    const jobs = await this.executions.transaction((manager) => this.executions.takeCancelsToResend(manager, this.config.cancelResendSeconds, BATCH));
    if (jobs.length > 0) this.logger.log({ msg: 'cancels not acknowledged, sent again', job_ids: jobs.map((j) => j.id) });
    await this.stop(jobs);
  }

  private async stop(jobs: Job[]): Promise<void> {
    await Promise.all(
      jobs.filter((job) => job.agent_id).map((job) => this.commands.send(job.agent_id as string, { command: 'cancel_job', job_id: job.id, attempt: job.attempt })),
    );
  }
}
