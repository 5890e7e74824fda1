import { Inject, Injectable, Logger } from '@nestjs/common';
import { AgentCreatedEvent, AgentOnlineEvent } from '@proctor/contracts';
import { InboxService } from '@proctor/persistence';
import { JOBS_CONFIG, JobsConfig } from '../jobs-config';
import { dockerCapacity } from './job-agent-capacity';
import { JobAgentRepository } from './job-agent.repository';
import { JobDispatcher } from './job-dispatcher';

/** The inbox consumer name of the agent read model: a message id is applied once per consumer. */
export const JOB_AGENTS_CONSUMER = 'jobs.agents';

/** Keeps `job_agents` from the agents service's events; an agent coming online may take queued jobs at once. */
@Injectable()
export class JobAgentService {
  private readonly logger = new Logger(JobAgentService.name);

  constructor(
    private readonly agents: JobAgentRepository,
    private readonly inbox: InboxService,
    private readonly dispatcher: JobDispatcher,
    @Inject(JOBS_CONFIG) private readonly config: JobsConfig,
  ) {}

  async applyCreated(messageId: string, event: AgentCreatedEvent): Promise<void> {
    const applied = await this.inbox.once(messageId, JOB_AGENTS_CONSUMER, (manager) => this.agents.upsertCreated(manager, event));
    this.logger.log({ msg: applied ? 'agent known to the jobs service' : 'duplicate agent event skipped', agent_id: event.agent_id, message_id: messageId });
  }

  async applyOnline(messageId: string, event: AgentOnlineEvent): Promise<void> {
    const capacity = dockerCapacity(event.capabilities, this.config.defaultMaxJobsPerAgent);
    let fresh = false;
    const applied = await this.inbox.once(messageId, JOB_AGENTS_CONSUMER, async (manager) => {
      fresh = await this.agents.upsertOnline(manager, {
        agent_id: event.agent_id,
        name: event.name,
        capacity,
        defaultMaxJobs: this.config.defaultMaxJobsPerAgent,
        presence_seq: event.presence_seq,
      });
    });
    if (!applied) this.logger.log({ msg: 'duplicate agent event skipped', agent_id: event.agent_id, message_id: messageId });
    else if (!fresh) this.logger.log({ msg: 'stale agent online event skipped', agent_id: event.agent_id, presence_seq: event.presence_seq });
    else this.logger.log({ msg: 'agent online for jobs', agent_id: event.agent_id, docker: capacity?.docker, max_jobs: capacity?.max_jobs });
    if (applied && fresh) this.dispatcher.wake();
  }
}
