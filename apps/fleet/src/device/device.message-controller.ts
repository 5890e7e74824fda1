import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DeviceIdRequest, FleetRpc, ListDevicesRequest, RegisterDeviceRequest } from '@proctor/contracts';
import { DeviceService } from './device.service';

@Controller()
export class DeviceMessageController {
  constructor(private readonly devices: DeviceService) {}

  @MessagePattern(FleetRpc.RegisterDevice)
  register(@Payload() request: RegisterDeviceRequest) {
    return this.devices.register(request);
  }

  @MessagePattern(FleetRpc.ListDevices)
  list(@Payload() request: ListDevicesRequest) {
    return this.devices.list(request);
  }

  @MessagePattern(FleetRpc.GetDevice)
  get(@Payload() request: DeviceIdRequest) {
    return this.devices.get(request.device_id);
  }
}
