import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Job } from '../job/job.entity';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { WebhookModule } from '../webhook/webhook.module';
import { WorkspaceModule } from '../workspace/workspace.module';
import { AgentLossEventController } from './agent-loss.event-controller';
import { AgentLossService } from './agent-loss.service';
import { ExecutionMessageController } from './execution.message-controller';
import { JobCancelService } from './job-cancel.service';
import { JobClaimService } from './job-claim.service';
import { JobExecutionRepository } from './job-execution.repository';
import { JobFinisher } from './job-finisher';
import { JobReconcileService } from './job-reconcile.service';
import { JobReportConsumer } from './job-report.consumer';
import { JobReportService } from './job-report.service';
import { JobSweeper } from './job-sweeper';

/** A job's run on an agent: claim, reconcile, reports, cancel, lost agents and the timers of the sweeper. */
@Module({
  imports: [TypeOrmModule.forFeature([Job]), SchedulingModule, WebhookModule, WorkspaceModule],
  controllers: [ExecutionMessageController, AgentLossEventController],
  providers: [
    JobExecutionRepository,
    JobFinisher,
    JobClaimService,
    JobReconcileService,
    JobReportService,
    JobReportConsumer,
    JobCancelService,
    AgentLossService,
    JobSweeper,
  ],
})
export class ExecutionModule {}
