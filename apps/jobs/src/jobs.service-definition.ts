import { ServiceDefinition } from '@proctor/messaging';
import { Job } from './job/job.entity';
import { JobModule } from './job/job.module';
import { CreateJobs1763900200000 } from './migrations/1763900200000-create-jobs';

export const JOBS_SERVICE: ServiceDefinition = {
  service: 'jobs',
  defaultPort: 8083,
  entities: [Job],
  migrations: [CreateJobs1763900200000],
  domainModules: () => [JobModule],
};
