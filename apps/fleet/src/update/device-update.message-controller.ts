import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { FleetRpc, ListDeviceUpdatesRequest, ReportUpdateMessage } from '@proctor/contracts';
import { DeviceUpdateService } from './device-update.service';

@Controller()
export class DeviceUpdateMessageController {
  constructor(private readonly updates: DeviceUpdateService) {}

  @MessagePattern(FleetRpc.ReportUpdate)
  report(@Payload() request: ReportUpdateMessage) {
    return this.updates.report(request);
  }

  @MessagePattern(FleetRpc.ListUpdates)
  list(@Payload() request: ListDeviceUpdatesRequest) {
    return this.updates.list(request);
  }
}
