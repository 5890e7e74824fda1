import { Module } from '@nestjs/common';
import { AgentCommandPublisher } from '@proctor/messaging';
import { AgentDirectoryModule } from '../agent-directory/agent-directory.module';
import { TaskResultRepository } from '../result/task-result.repository';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { AgentOfflineEventController } from './agent-offline.event-controller';
import { AgentOfflineService } from './agent-offline.service';
import { TaskDispatcher } from './task-dispatcher';
import { TaskEndedSignal } from './task-ended.signal';
import { TaskReportConsumer } from './task-report.consumer';
import { TaskReportService } from './task-report.service';
import { TaskTransitionService } from './task-transition.service';
import { TaskMessageController } from './task.message-controller';
import { TaskRepository } from './task.repository';
import { TaskService } from './task.service';
import { TimeoutSweeper } from './timeout-sweeper';

/** Tasks: their state machine, dispatch to agent queues, daemon reports (queue and RPC), sweeps, offline agents. */
@Module({
  imports: [AgentDirectoryModule, SchedulingModule],
  controllers: [TaskMessageController, AgentOfflineEventController],
  providers: [
    TaskRepository,
    TaskResultRepository,
    TaskTransitionService,
    TaskEndedSignal,
    AgentCommandPublisher,
    TaskDispatcher,
    TaskReportService,
    TaskReportConsumer,
    TaskService,
    TimeoutSweeper,
    AgentOfflineService,
  ],
  exports: [TaskRepository, TaskResultRepository, TaskTransitionService, TaskEndedSignal, TaskDispatcher],
})
export class TaskModule {}
