import { Injectable, Logger } from '@nestjs/common';
import { CancelJobRequest, JobCommand, JobErrorCode, JobView, ProctorError } from '@proctor/contracts';
import { Job } from '../job/job.entity';
import { toJobView } from '../job/job.mapper';
import { JobCommands } from '../scheduling/job-commands';
import { cancelReason } from './job-ending';
import { JobExecutionRepository } from './job-execution.repository';
import { JobChanges, JobFinisher } from './job-finisher';

/** `cancel_job` for the agent a job was offered to or runs on; none for a job no agent has had. */
function cancelCommand(job: Job): { agentId: string; command: JobCommand } | null {
  return job.agent_id ? { agentId: job.agent_id, command: { command: 'cancel_job', job_id: job.id, attempt: job.attempt } } : null;
}

/**
 * Cancels a job. One that has not started ends canceled at once (an agent it was offered to is
 * told, though its claim would be refused anyway). A running one is asked to stop: `cancel_job`
 * goes to its agent (again on every call, and by the sweeper until acknowledged), and the agent's
 * `job.finished` ends it. A finished job cannot be canceled.
 */
@Injectable()
export class JobCancelService {
  private readonly logger = new Logger(JobCancelService.name);

  constructor(
    private readonly executions: JobExecutionRepository,
    private readonly finisher: JobFinisher,
    private readonly commands: JobCommands,
  ) {}

  async cancel(request: CancelJobRequest): Promise<JobView> {
    const changes = new JobChanges();
    const { job, notify } = await this.executions.transaction(async (manager) => {
      const current = await this.executions.lock(manager, request.id);
      if (!current) throw new ProctorError(JobErrorCode.NotFound, `no job with id ${request.id}`, { id: request.id });
      switch (current.status) {
        case 'queued':
        case 'assigned': {
          const reason = cancelReason(request.requested_by, false);
          const canceled = await this.finisher.finish(manager, current, { status: 'canceled', success: false, reason, exit_code: null, last_seq: null, stopped: null }, changes);
          return { job: canceled ?? current, notify: cancelCommand(current) };
        }
        case 'running':
          return { job: await this.executions.requestCancel(manager, current.id, cancelReason(request.requested_by, true)), notify: cancelCommand(current) };
        case 'completed':
        case 'failed':
        case 'canceled':
        case 'timed_out':
          throw new ProctorError(JobErrorCode.StateConflict, `job ${current.id} has finished (${current.status}): there is nothing to cancel`, {
            id: current.id,
            status: current.status,
          });
      }
    });
    this.finisher.settled(changes);
    if (notify) await this.commands.send(notify.agentId, notify.command);
    this.logger.log({ msg: 'job cancel requested', job_id: job.id, status: job.status, requested_by: request.requested_by });
    return toJobView(job);
  }
}
