import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobLog } from './job-log.entity';
import { JobLogConsumer } from './job-log.consumer';
import { JobLogRepository } from './job-log.repository';
import { JobLogService } from './job-log.service';
import { LogsMessageController } from './logs.message-controller';

/** Job output: persisted from `proctor.logs`, replayed by `jobs.logs`. */
@Module({
  imports: [TypeOrmModule.forFeature([JobLog])],
  controllers: [LogsMessageController],
  providers: [JobLogRepository, JobLogService, JobLogConsumer],
})
export class LogsModule {}
