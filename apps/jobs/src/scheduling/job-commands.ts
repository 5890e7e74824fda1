import { Injectable, Logger } from '@nestjs/common';
import { JobCommand } from '@proctor/contracts';
import { AgentCommandPublisher, PublishError } from '@proctor/messaging';
import { MetricsService } from '@proctor/observability';

/**
 * `run_job` and `cancel_job` on an agent's queue. A command the broker does not take (the agent
 * has no queue, the broker is away) is counted and logged, never thrown: the rows stay the truth,
 * and the sweeper sends again what still needs sending (an offer goes back to the queue, a cancel
 * not acknowledged is repeated).
 */
@Injectable()
export class JobCommands {
  private readonly logger = new Logger(JobCommands.name);
  private readonly sent;

  constructor(
    private readonly publisher: AgentCommandPublisher<JobCommand>,
    metrics: MetricsService,
  ) {
    this.sent = metrics.counter('proctor_jobs_agent_commands_total', 'Job commands put on agent queues, by command and outcome', ['command', 'outcome']);
  }

  start(): Promise<void> {
    return this.publisher.start();
  }

  /** Whether the broker holds the command in the agent's queue. */
  async send(agentId: string, command: JobCommand): Promise<boolean> {
    try {
      await this.publisher.send(agentId, command);
      this.sent.inc({ command: command.command, outcome: 'sent' });
      return true;
    } catch (e) {
      const reason = e instanceof PublishError ? e.reason : 'error';
      this.sent.inc({ command: command.command, outcome: reason });
      this.logger.warn({ msg: `could not send ${command.command}`, agent_id: agentId, job_id: command.job_id, attempt: command.attempt, reason, error: (e as Error).message });
      return false;
    }
  }
}
