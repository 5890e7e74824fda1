import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@proctor/auth';
import { CreateJobRequest, ListJobsRequest } from '@proctor/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CiClientController, CiPrincipal } from '../api-keys/ci-client-route.decorators';
import { uuidParam } from '../http/uuid-param.pipe';
import { checkArtifactPath } from './artifact-download';
import { ApiSubmission } from './jobs-openapi';
import { JobsApi } from './jobs-api.service';

/**
 * The CI API under `/v1` where it differs from the seed's paths: JSON create, cursor pages with
 * filters, a 202 submit-async, cancel by POST and artifacts (the rest is CiServerHttpController's).
 * Bearer token or X-API-Key.
 */
@CiClientController()
@ApiTags('jobs')
@Controller('v1/jobs')
export class JobsHttpController {
  constructor(private readonly jobs: JobsApi) {}

  @Post()
  @ApiOperation({ summary: 'Queue a job from a JSON spec, with an empty workspace (no archive)' })
  create(@Body() body: CreateJobRequest, @CiPrincipal() principal: Principal) {
    return this.jobs.create(body, principal);
  }

  @Post('submit-async')
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a project zip; answers the queued job at once' })
  @ApiSubmission()
  @ApiAcceptedResponse({ description: 'the job, queued' })
  submitAsync(@Req() request: FastifyRequest, @CiPrincipal() principal: Principal) {
    return this.jobs.submit(request, principal);
  }

  @Get()
  @ApiOperation({ summary: 'List jobs, newest first, by status, submitter, label or creation time (cursor pages)' })
  list(@Query() query: ListJobsRequest) {
    return this.jobs.list(query);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a job (as DELETE /v1/jobs/{id})' })
  cancelByPost(@Param('id', uuidParam()) id: string, @CiPrincipal() principal: Principal) {
    return this.jobs.cancel(id, principal);
  }

  @Get(':id/artifacts')
  @ApiOperation({ summary: "The files a job's run left, as its spec's artifacts named them" })
  artifacts(@Param('id', uuidParam()) id: string) {
    return this.jobs.artifacts(id);
  }

  @Get(':id/artifacts/*')
  @ApiOperation({ summary: 'Download one artifact by its path in the workspace' })
  @ApiParam({ name: 'path', description: 'the artifact path, as the spec listed it, e.g. reports/junit.xml' })
  @ApiProduces('application/octet-stream')
  download(@Param('id', uuidParam()) id: string, @Param('*') path: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.downloadArtifact(reply, id, checkArtifactPath(path));
  }
}
