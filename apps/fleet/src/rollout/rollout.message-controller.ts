import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateRolloutRequest, DeviceIdRequest, FleetRpc, ListRolloutsRequest, PromoteRolloutRequest, RolloutIdRequest } from '@proctor/contracts';
import { RolloutService } from './rollout.service';

@Controller()
export class RolloutMessageController {
  constructor(private readonly rollouts: RolloutService) {}

  @MessagePattern(FleetRpc.CreateRollout)
  create(@Payload() request: CreateRolloutRequest) {
    return this.rollouts.create(request);
  }

  @MessagePattern(FleetRpc.ListRollouts)
  list(@Payload() request: ListRolloutsRequest) {
    return this.rollouts.list(request);
  }

  @MessagePattern(FleetRpc.GetRollout)
  get(@Payload() request: RolloutIdRequest) {
    return this.rollouts.get(request.id);
  }

  @MessagePattern(FleetRpc.PromoteRollout)
  promote(@Payload() request: PromoteRolloutRequest) {
    return this.rollouts.promote(request);
  }

  @MessagePattern(FleetRpc.HaltRollout)
  halt(@Payload() request: RolloutIdRequest) {
    return this.rollouts.halt(request.id);
  }

  @MessagePattern(FleetRpc.DesiredState)
  desiredState(@Payload() request: DeviceIdRequest) {
    return this.rollouts.desiredState(request.device_id);
  }
}
