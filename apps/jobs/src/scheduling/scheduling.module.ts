import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentCommandPublisher } from '@proctor/messaging';
import { Job } from '../job/job.entity';
import { JobAgentEventController } from './job-agent.event-controller';
import { JobAgentRepository } from './job-agent.repository';
import { JobAgentService } from './job-agent.service';
import { JobCommands } from './job-commands';
import { JobDispatcher } from './job-dispatcher';
import { JobQueueRepository } from './job-queue.repository';
import { JobQueuedEventController } from './job-queued.event-controller';

/** Which agent runs which job: the agent read model, the dispatcher and the commands on agent queues. */
@Module({
  imports: [TypeOrmModule.forFeature([Job])],
  controllers: [JobAgentEventController, JobQueuedEventController],
  providers: [AgentCommandPublisher, JobCommands, JobAgentRepository, JobAgentService, JobQueueRepository, JobDispatcher],
  exports: [JobAgentRepository, JobCommands, JobDispatcher],
})
export class SchedulingModule {}
