import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { FleetRpc, ListHeartbeatsRequest } from '@proctor/contracts';
import { HeartbeatService } from './heartbeat.service';

/** Heartbeats arrive as reports (HeartbeatConsumer); RPC only reads the history. */
@Controller()
export class HeartbeatMessageController {
  constructor(private readonly heartbeats: HeartbeatService) {}

  @MessagePattern(FleetRpc.ListHeartbeats)
  list(@Payload() request: ListHeartbeatsRequest) {
    return this.heartbeats.list(request);
  }
}
