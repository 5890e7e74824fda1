import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Job } from './job.entity';
import { JobMessageController } from './job.message-controller';
import { JobRepository } from './job.repository';
import { JobService } from './job.service';

@Module({
  imports: [TypeOrmModule.forFeature([Job])],
  controllers: [JobMessageController],
  providers: [JobRepository, JobService],
  exports: [JobRepository],
})
export class JobModule {}
