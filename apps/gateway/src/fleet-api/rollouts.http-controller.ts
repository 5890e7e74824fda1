import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags, PickType } from '@nestjs/swagger';
import { CreateRolloutRequest, FleetRpc, ListRolloutsRequest, PromoteRolloutRequest, RolloutIdRequest } from '@proctor/contracts';
import type { FastifyReply } from 'fastify';
import { ServiceCaller } from '../http/service-caller';
import { uuidParam } from '../http/uuid-param.pipe';
import { FleetOperation } from './fleet-credential';
import { FleetApiController, FleetRoute } from './fleet-route.decorators';

/** The body of a promotion: the rollout comes from the path. */
export class PromoteRolloutBody extends PickType(PromoteRolloutRequest, ['to_segment'] as const) {}

/** Software rollouts (admin only): the admin key or an admin's bearer token. */
@ApiTags('rollouts')
@FleetApiController({ acceptsBearer: true })
@Controller('v1/rollouts')
export class RolloutsHttpController {
  constructor(private readonly services: ServiceCaller) {}

  @Post()
  @FleetRoute(FleetOperation.ManageRollouts)
  @ApiOperation({ summary: 'Start a rollout of a commit to a segment or branch (201); with dry_run, only the plan (200)' })
  async create(@Body() body: CreateRolloutRequest, @Res() reply: FastifyReply): Promise<void> {
    const answer = await this.services.call(FleetRpc.CreateRollout, body);
    // A dry run creates nothing: 200 with the plan rather than 201.
    await reply.status(body.dry_run ? 200 : 201).send(answer);
  }

  @Get()
  @FleetRoute(FleetOperation.ManageRollouts)
  @ApiOperation({ summary: 'List rollouts, newest first, optionally by status' })
  list(@Query() query: ListRolloutsRequest) {
    return this.services.call(FleetRpc.ListRollouts, query);
  }

  @Get(':id')
  @FleetRoute(FleetOperation.ManageRollouts)
  @ApiOperation({ summary: 'One rollout with its counts' })
  get(@Param('id', uuidParam()) id: string) {
    const request: RolloutIdRequest = { id };
    return this.services.call(FleetRpc.GetRollout, request);
  }

  @Post(':id/promote')
  @HttpCode(200)
  @FleetRoute(FleetOperation.ManageRollouts)
  @ApiOperation({ summary: 'Promote a rollout to another segment (a new rollout of the same commit)' })
  promote(@Param('id', uuidParam()) id: string, @Body() body: PromoteRolloutBody) {
    const request: PromoteRolloutRequest = { id, to_segment: body.to_segment };
    return this.services.call(FleetRpc.PromoteRollout, request);
  }

  @Post(':id/halt')
  @HttpCode(200)
  @FleetRoute(FleetOperation.ManageRollouts)
  @ApiOperation({ summary: 'Halt a rollout: devices not yet updated are no longer targeted' })
  halt(@Param('id', uuidParam()) id: string) {
    const request: RolloutIdRequest = { id };
    return this.services.call(FleetRpc.HaltRollout, request);
  }
}
