import { Injectable, Logger } from '@nestjs/common';
import { JobCancellingReport, JobFinishedReport } from '@proctor/contracts';
import { JobAgentRepository } from '../scheduling/job-agent.repository';
import { assertCurrentAttempt } from './job-attempt-check';
import { reportEnding } from './job-ending';
import { JobExecutionRepository } from './job-execution.repository';
import { JobChanges, JobFinisher } from './job-finisher';

/**
 * What daemons report about the runs they hold. A report counts only for the job's current attempt,
 * from its agent, while it runs: anything else is refused (and the consumer drops it).
 */
@Injectable()
export class JobReportService {
  private readonly logger = new Logger(JobReportService.name);

  constructor(
    private readonly executions: JobExecutionRepository,
    private readonly agents: JobAgentRepository,
    private readonly finisher: JobFinisher,
  ) {}

  /** The agent is stopping the container: the cancel is not sent again. */
  async cancelling(report: JobCancellingReport): Promise<void> {
    await this.executions.transaction(async (manager) => {
      assertCurrentAttempt(await this.executions.lock(manager, report.job_id), report, 'running');
      await this.executions.acknowledgeCancel(manager, report.job_id);
    });
    this.logger.log({ msg: 'job cancel acknowledged', job_id: report.job_id, attempt: report.attempt });
  }

  /** The run is over: the job ends as the report says, with the finished event and its webhook. */
  async finished(report: JobFinishedReport): Promise<void> {
    const changes = new JobChanges();
    await this.executions.transaction(async (manager) => {
      const job = await this.executions.lock(manager, report.job_id);
      assertCurrentAttempt(job, report, 'running');
      const ending = reportEnding(report, job);
      if (ending === 'lost') await this.finisher.lose(manager, job, await this.agents.nameOf(manager, report.agent_id), changes);
      else await this.finisher.finish(manager, job, ending, changes);
    });
    this.finisher.settled(changes);
  }
}
