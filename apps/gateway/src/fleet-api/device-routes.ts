import { Body, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import {
  DeviceIdRequest,
  FleetRpc,
  HeartbeatRequest,
  ListDeviceUpdatesRequest,
  ListHeartbeatsRequest,
  PageRequest,
  RegisterDeviceRequest,
  ReportUpdateMessage,
  ReportUpdateRequest,
  UpdateDeviceStatusMessage,
  UpdateDeviceStatusRequest,
} from '@proctor/contracts';
import { ServiceCaller } from '../http/service-caller';
import { DeviceIdPipe } from './device-id.pipe';
import { FleetCredential, FleetOperation } from './fleet-credential';
import { FleetGatewayService } from './fleet-gateway.service';
import { DeviceEventsQuery, DeviceListQuery } from './fleet-queries.dto';
import { Caller, FleetRoute } from './fleet-route.decorators';
import { HeartbeatBody, HeartbeatBodyPipe } from './heartbeat-body.pipe';

/**
 * The device routes of seed 004's fleet API and Proctor's additions, served both under
 * `/api/v1/devices` (as devices in the field call them) and under `/v1/devices`. Each handler is
 * one call; who may call it is decided by FleetAccessGuard from its FleetRoute.
 */
export abstract class DeviceRoutes {
  constructor(
    protected readonly fleet: FleetGatewayService,
    protected readonly services: ServiceCaller,
  ) {}

  @Post('register')
  @HttpCode(200)
  @FleetRoute(FleetOperation.Register)
  @ApiOperation({
    summary: 'Register or update a device',
    description: 'With the fleet or admin key a (new) device key is issued: `device_key`, shown only in this answer. A device re-registering with its own key keeps it.',
  })
  register(@Caller() caller: FleetCredential, @Body() body: RegisterDeviceRequest) {
    return this.fleet.register(caller, body);
  }

  @Post(':device_id/heartbeat')
  @HttpCode(202)
  @FleetRoute(FleetOperation.Heartbeat)
  @ApiOperation({ summary: 'Report a heartbeat; 202 once the broker holds it, 503 if it could not be accepted' })
  // Validated by HeartbeatBodyPipe alone (a fast path for the plainly valid body, the ValidationPipe for the rest).
  @ApiBody({ type: HeartbeatRequest })
  heartbeat(@Caller() caller: FleetCredential, @Param('device_id', DeviceIdPipe) deviceId: string, @Body(HeartbeatBodyPipe) body: HeartbeatBody) {
    return this.fleet.heartbeat(caller, deviceId, body);
  }

  @Get()
  @FleetRoute(FleetOperation.ListDevices)
  @ApiOperation({ summary: 'List devices (admin), filtered, newest first, with cursor pagination' })
  list(@Query() query: DeviceListQuery) {
    return this.services.call(FleetRpc.ListDevices, query);
  }

  @Get(':device_id')
  @FleetRoute(FleetOperation.ReadDevice)
  @ApiOperation({ summary: 'One device' })
  get(@Param('device_id', DeviceIdPipe) deviceId: string) {
    const request: DeviceIdRequest = { device_id: deviceId };
    return this.services.call(FleetRpc.GetDevice, request);
  }

  @Patch(':device_id/status')
  @FleetRoute(FleetOperation.UpdateStatus)
  @ApiOperation({ summary: 'Report the device status (healthy, degraded, failed)' })
  updateStatus(@Param('device_id', DeviceIdPipe) deviceId: string, @Body() body: UpdateDeviceStatusRequest) {
    const message: UpdateDeviceStatusMessage = { ...body, device_id: deviceId };
    return this.services.call(FleetRpc.UpdateStatus, message);
  }

  @Get(':device_id/events')
  @FleetRoute(FleetOperation.ListEvents)
  @ApiOperation({ summary: 'Events of a device, newest first' })
  events(@Param('device_id', DeviceIdPipe) deviceId: string, @Query() query: DeviceEventsQuery) {
    return this.services.call(FleetRpc.ListEvents, { ...query, device_id: deviceId });
  }

  @Post(':device_id/updates')
  @FleetRoute(FleetOperation.ReportUpdate)
  @ApiOperation({ summary: 'Report the outcome of one software update attempt' })
  reportUpdate(@Param('device_id', DeviceIdPipe) deviceId: string, @Body() body: ReportUpdateRequest) {
    const message: ReportUpdateMessage = { ...body, device_id: deviceId };
    return this.services.call(FleetRpc.ReportUpdate, message);
  }

  @Get(':device_id/updates')
  @FleetRoute(FleetOperation.ListUpdates)
  @ApiOperation({ summary: 'Update history of a device, newest first' })
  updates(@Param('device_id', DeviceIdPipe) deviceId: string, @Query() query: PageRequest) {
    const request: ListDeviceUpdatesRequest = { ...query, device_id: deviceId };
    return this.services.call(FleetRpc.ListUpdates, request);
  }

  @Get(':device_id/heartbeats')
  @FleetRoute(FleetOperation.ListHeartbeats)
  @ApiOperation({ summary: 'Heartbeat history of a device, newest first' })
  heartbeats(@Param('device_id', DeviceIdPipe) deviceId: string, @Query() query: PageRequest) {
    const request: ListHeartbeatsRequest = { ...query, device_id: deviceId };
    return this.services.call(FleetRpc.ListHeartbeats, request);
  }

  @Get(':device_id/desired-state')
  @FleetRoute(FleetOperation.DesiredState)
  @ApiOperation({ summary: 'What the device should run: the target commit of the rollout that covers it, if any' })
  desiredState(@Param('device_id', DeviceIdPipe) deviceId: string) {
    const request: DeviceIdRequest = { device_id: deviceId };
    return this.services.call(FleetRpc.DesiredState, request);
  }
}
