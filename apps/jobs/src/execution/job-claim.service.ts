import { Injectable, Logger } from '@nestjs/common';
import { ClaimJobMessage, JobClaimView, JobsEvent, JobStartedEvent } from '@proctor/contracts';
import { OutboxWriter } from '@proctor/persistence';
import { WorkspaceLinks } from '../workspace/workspace-links';
import { assertCurrentAttempt, isRepeatedClaim } from './job-attempt-check';
import { toJobClaimView } from './job-claim.mapper';
import { JobExecutionRepository } from './job-execution.repository';

/**
 * An agent takes the job it was offered: one conditional update (assigned → running for that
 * agent and attempt) makes it the only runner, and `jobs.job.started` commits with it. Anything
 * else is refused, and a refused agent does not run the job.
 */
@Injectable()
export class JobClaimService {
  private readonly logger = new Logger(JobClaimService.name);

  constructor(
    private readonly executions: JobExecutionRepository,
    private readonly outbox: OutboxWriter,
    private readonly links: WorkspaceLinks,
  ) {}

  async claim(message: ClaimJobMessage): Promise<JobClaimView> {
    const job = await this.executions.transaction(async (manager) => {
      const current = await this.executions.lock(manager, message.job_id);
      // The same agent claiming the same attempt again (its first answer was lost): the same
      // answer, or the daemon would drop a job the service counts as running on it.
      if (current && isRepeatedClaim(current, message)) return current;
      assertCurrentAttempt(current, message, 'assigned');
      const claimed = await this.executions.claim(manager, message);
      const event: JobStartedEvent = { job_id: claimed.id, attempt: claimed.attempt, agent_id: message.agent_id };
      await this.outbox.add(manager, JobsEvent.Started, event);
      return claimed;
    });
    this.logger.log({ msg: 'job claimed', job_id: job.id, agent_id: message.agent_id, attempt: job.attempt });
    return toJobClaimView(job, { workspace_url: this.links.workspaceUrl(job), artifact_upload_url: this.links.artifactUploadUrl(job.id, job.attempt, job.timeout_seconds) });
  }
}
