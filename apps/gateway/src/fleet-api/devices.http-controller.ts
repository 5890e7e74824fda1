import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FleetRpc, RegisterDeviceRequest, UpdateDeviceSettingsMessage, UpdateDeviceSettingsRequest } from '@proctor/contracts';
import { ServiceCaller } from '../http/service-caller';
import { DeviceIdPipe } from './device-id.pipe';
import { DeviceRoutes } from './device-routes';
import { FleetCredential, FleetOperation } from './fleet-credential';
import { FleetGatewayService } from './fleet-gateway.service';
import { Caller, FleetApiController, FleetRoute } from './fleet-route.decorators';

/**
 * `/v1/devices/...`: the same routes under the unified conventions, where a dashboard may use an
 * admin's bearer token instead of `X-API-Key`, plus the admin's device settings.
 */
@ApiTags('devices')
@FleetApiController({ acceptsBearer: true })
@Controller('v1/devices')
export class DevicesHttpController extends DeviceRoutes {
  constructor(fleet: FleetGatewayService, services: ServiceCaller) {
    super(fleet, services);
  }

  @Post()
  @FleetRoute(FleetOperation.Register)
  @ApiOperation({ summary: 'Register or update a device (as POST /v1/devices/register, answered 201)' })
  create(@Caller() caller: FleetCredential, @Body() body: RegisterDeviceRequest) {
    return this.fleet.register(caller, body);
  }

  @Patch(':device_id')
  @FleetRoute(FleetOperation.UpdateSettings)
  @ApiOperation({ summary: 'Change the settings of a device (admin): maintenance mode, updates, version lock, segment, branch, metadata' })
  updateSettings(@Param('device_id', DeviceIdPipe) deviceId: string, @Body() body: UpdateDeviceSettingsRequest) {
    const message: UpdateDeviceSettingsMessage = { ...body, device_id: deviceId };
    return this.services.call(FleetRpc.UpdateSettings, message);
  }
}
