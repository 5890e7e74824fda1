import { Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@proctor/auth';
import { JobView, ListJobsRequest } from '@proctor/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CiClientController, CiPrincipal } from '../api-keys/ci-client-route.decorators';
import { uuidParam } from '../http/uuid-param.pipe';
import { streamStart } from '../job-logs/log-position';
import { ApiJobEventStream, ApiStreamStart, ApiSubmission } from './jobs-openapi';
import { JobsApi } from './jobs-api.service';

/**
 * Seed 001's CI server paths, kept as its clients call them, and the operations that answer alike
 * under `/v1/jobs` (the same handler on both paths). Bearer token or X-API-Key.
 */
@CiClientController()
@ApiTags('jobs')
@Controller()
export class CiServerHttpController {
  constructor(private readonly jobs: JobsApi) {}

  @Post(['submit', 'v1/jobs/submit'])
  @ApiOperation({ summary: 'Submit a project zip and stream its log until the job completes' })
  @ApiSubmission()
  @ApiJobEventStream()
  submit(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @CiPrincipal() principal: Principal) {
    return this.jobs.submitAndStream(request, reply, principal, false);
  }

  @Post(['submit-stream', 'v1/jobs/submit-stream'])
  @ApiOperation({ summary: 'As /submit, with the job id as the first event' })
  @ApiSubmission()
  @ApiJobEventStream(true)
  submitStream(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @CiPrincipal() principal: Principal) {
    return this.jobs.submitAndStream(request, reply, principal, true);
  }

  @Post('submit-async')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit a project zip; answers {"job_id": "..."} at once' })
  @ApiSubmission()
  async submitAsync(@Req() request: FastifyRequest, @CiPrincipal() principal: Principal): Promise<{ job_id: string }> {
    const job = await this.jobs.submit(request, principal);
    return { job_id: job.job_id };
  }

  @Get('jobs')
  @ApiOperation({ summary: 'The newest jobs as a JSON array (filters and limit as in GET /v1/jobs)' })
  async list(@Query() query: ListJobsRequest): Promise<JobView[]> {
    return (await this.jobs.list(query)).items;
  }

  @Get(['jobs/:id', 'v1/jobs/:id'])
  @ApiOperation({ summary: 'A job: job_id, status, success, start_time, end_time, and the rest of its view' })
  get(@Param('id', uuidParam()) id: string) {
    return this.jobs.get(id);
  }

  @Get(['jobs/:id/stream', 'v1/jobs/:id/stream'])
  @ApiOperation({ summary: "Stream a job's log: stored output first if asked (or after Last-Event-ID), then live, then complete" })
  @ApiStreamStart()
  @ApiJobEventStream()
  stream(
    @Param('id', uuidParam()) id: string,
    @Query('from_beginning') fromBeginning: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    return this.jobs.stream(reply, id, streamStart(fromBeginning, lastEventId));
  }

  @Delete(['jobs/:id', 'v1/jobs/:id'])
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a job: at once while queued; a running one is stopped by its agent (SIGTERM, then SIGKILL)' })
  cancel(@Param('id', uuidParam()) id: string, @CiPrincipal() principal: Principal) {
    return this.jobs.cancel(id, principal);
  }
}
