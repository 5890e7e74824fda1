import { ServiceDefinition } from '@proctor/messaging';
import { MessagingRetentionIndexes1764200000000 } from '@proctor/persistence';
import { JobsConfigModule } from './jobs-config.module';
import { readJobsConfig } from './jobs-config';
import { ArtifactsModule } from './artifacts/artifacts.module';
import { JobArtifact } from './artifacts/job-artifact.entity';
import { Job } from './job/job.entity';
import { JobModule } from './job/job.module';
import { ExecutionModule } from './execution/execution.module';
import { JobLog } from './logs/job-log.entity';
import { LogsModule } from './logs/logs.module';
import { CreateJobs1763900200000 } from './migrations/1763900200000-create-jobs';
import { JobExecution1764100000000 } from './migrations/1764100000000-job-execution';
import { JobArchiveStorage1764100100000 } from './migrations/1764100100000-job-archive-storage';
import { JobAgentPresenceSeq1764300000000 } from './migrations/1764300000000-job-agent-presence-seq';
import { JobAgent } from './scheduling/job-agent.entity';
import { SchedulingModule } from './scheduling/scheduling.module';
import { SubmissionModule } from './submission/submission.module';
import { WebhookDelivery } from './webhook/webhook-delivery.entity';
import { WebhookModule } from './webhook/webhook.module';
import { JobArchive } from './workspace/job-archive.entity';
import { WorkspaceModule } from './workspace/workspace.module';
import { jobReportsQueue } from './execution/job-report.consumer';
import { jobLogsQueue } from './logs/job-log.consumer';

export const JOBS_SERVICE: ServiceDefinition = {
  service: 'jobs',
  defaultPort: 8083,
  entities: [Job, JobArchive, JobLog, JobArtifact, JobAgent, WebhookDelivery],
  migrations: [CreateJobs1763900200000, JobExecution1764100000000, JobArchiveStorage1764100100000, MessagingRetentionIndexes1764200000000, JobAgentPresenceSeq1764300000000],
  domainModules: (config, env) => [
    // Read here, before anything starts: a bad value stops the app with one line naming it.
    JobsConfigModule.forRoot(readJobsConfig(env, config)),
    JobModule,
    WorkspaceModule,
    SubmissionModule,
    ArtifactsModule,
    SchedulingModule,
    ExecutionModule,
    LogsModule,
    WebhookModule,
  ],
  ownQueues: (names) => [jobReportsQueue(names), jobLogsQueue(names)],
};
