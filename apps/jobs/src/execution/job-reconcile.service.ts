import { Injectable, Logger } from '@nestjs/common';
import { ReconcileJobsMessage, ReconcileJobsView } from '@proctor/contracts';
import { JobAgentRepository } from '../scheduling/job-agent.repository';
import { JobCommands } from '../scheduling/job-commands';
import { JobExecutionRepository } from './job-execution.repository';
import { JobChanges, JobFinisher } from './job-finisher';
import { heldJobsReconciliation } from './held-job-reconciliation';

/**
 * A daemon (re)starting says which jobs it still runs. The jobs this service thinks it holds and it
 * does not are lost (the lost-job rule); the runs it holds that are no longer its own (ended,
 * queued again, another attempt) get `cancel_job`, so that it stops them.
 */
@Injectable()
export class JobReconcileService {
  private readonly logger = new Logger(JobReconcileService.name);

  constructor(
    private readonly executions: JobExecutionRepository,
    private readonly agents: JobAgentRepository,
    private readonly finisher: JobFinisher,
    private readonly commands: JobCommands,
  ) {}

  async reconcile(message: ReconcileJobsMessage): Promise<ReconcileJobsView> {
    const changes = new JobChanges();
    const { lost, stale } = await this.executions.transaction(async (manager) => {
      const active = await this.executions.lockActiveOfAgent(manager, message.agent_id);
      const reconciliation = heldJobsReconciliation(active, message.held);
      if (reconciliation.lost.length > 0) {
        const name = await this.agents.nameOf(manager, message.agent_id);
        for (const job of reconciliation.lost) await this.finisher.lose(manager, job, name, changes);
      }
      return reconciliation;
    });
    this.finisher.settled(changes);
    await Promise.all(stale.map((held) => this.commands.send(message.agent_id, { command: 'cancel_job', job_id: held.job_id, attempt: held.attempt })));
    this.logger.log({ msg: 'agent jobs reconciled', agent_id: message.agent_id, held: message.held.length, lost: lost.length, stale: stale.length });
    return { lost: lost.map((job) => ({ job_id: job.id, attempt: job.attempt })) };
  }
}
