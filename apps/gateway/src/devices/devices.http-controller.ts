import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FleetRpc, ListDevicesRequest, RegisterDeviceRequest } from '@proctor/contracts';
import { ServiceCaller } from '../http/service-caller';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('v1/devices')
export class DevicesHttpController {
  constructor(private readonly services: ServiceCaller) {}

  @Post()
  register(@Body() body: RegisterDeviceRequest) {
    return this.services.call(FleetRpc.RegisterDevice, body);
  }

  @Get()
  list(@Query() query: ListDevicesRequest) {
    return this.services.call(FleetRpc.ListDevices, query);
  }

  @Get(':device_id')
  get(@Param('device_id') deviceId: string) {
    return this.services.call(FleetRpc.GetDevice, { device_id: deviceId });
  }
}
