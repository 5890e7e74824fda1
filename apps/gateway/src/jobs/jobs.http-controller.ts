import { Body, Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Principal } from '@proctor/auth';
import { CreateJobMessage, CreateJobRequest, JobsRpc, ListJobsRequest } from '@proctor/contracts';
import { ServiceCaller } from '../http/service-caller';
import { uuidParam } from '../http/uuid-param.pipe';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('v1/jobs')
export class JobsHttpController {
  constructor(private readonly services: ServiceCaller) {}

  @Post()
  create(@Body() body: CreateJobRequest, @Req() request: { user: Principal }) {
    const message: CreateJobMessage = { ...body, submitted_by: request.user.subject };
    return this.services.call(JobsRpc.Create, message);
  }

  @Get()
  list(@Query() query: ListJobsRequest) {
    return this.services.call(JobsRpc.List, query);
  }

  @Get(':id')
  get(@Param('id', uuidParam()) id: string) {
    return this.services.call(JobsRpc.Get, { id });
  }
}
