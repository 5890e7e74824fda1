import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateJobMessage, IdRequest, JobsRpc, ListJobsRequest } from '@proctor/contracts';
import { JobService } from './job.service';

@Controller()
export class JobMessageController {
  constructor(private readonly jobs: JobService) {}

  @MessagePattern(JobsRpc.Create)
  create(@Payload() request: CreateJobMessage) {
    return this.jobs.create(request);
  }

  @MessagePattern(JobsRpc.List)
  list(@Payload() request: ListJobsRequest) {
    return this.jobs.list(request);
  }

  @MessagePattern(JobsRpc.Get)
  get(@Payload() request: IdRequest) {
    return this.jobs.get(request.id);
  }
}
