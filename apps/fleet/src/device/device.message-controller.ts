import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuthenticateDeviceRequest,
  DeviceIdRequest,
  FleetRpc,
  ListDeviceEventsRequest,
  ListDevicesRequest,
  RegisterDeviceMessage,
  UpdateDeviceSettingsMessage,
  UpdateDeviceStatusMessage,
} from '@proctor/contracts';
import { DeviceService } from './device.service';

@Controller()
export class DeviceMessageController {
  constructor(private readonly devices: DeviceService) {}

  @MessagePattern(FleetRpc.RegisterDevice)
  register(@Payload() request: RegisterDeviceMessage) {
    return this.devices.register(request);
  }

  @MessagePattern(FleetRpc.AuthenticateDevice)
  authenticate(@Payload() request: AuthenticateDeviceRequest) {
    return this.devices.authenticate(request.key_hash);
  }

  @MessagePattern(FleetRpc.ListDevices)
  list(@Payload() request: ListDevicesRequest) {
    return this.devices.list(request);
  }

  @MessagePattern(FleetRpc.GetDevice)
  get(@Payload() request: DeviceIdRequest) {
    return this.devices.get(request.device_id);
  }

  @MessagePattern(FleetRpc.UpdateStatus)
  updateStatus(@Payload() request: UpdateDeviceStatusMessage) {
    return this.devices.updateStatus(request);
  }

  @MessagePattern(FleetRpc.UpdateSettings)
  updateSettings(@Payload() request: UpdateDeviceSettingsMessage) {
    return this.devices.updateSettings(request);
  }

  @MessagePattern(FleetRpc.ListEvents)
  listEvents(@Payload() request: ListDeviceEventsRequest) {
    return this.devices.listEvents(request);
  }
}
