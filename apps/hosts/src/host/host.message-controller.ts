import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { HostsRpc, IdRequest, ListHostsRequest, RegisterHostRequest } from '@proctor/contracts';
import { HostService } from './host.service';

@Controller()
export class HostMessageController {
  constructor(private readonly hosts: HostService) {}

  @MessagePattern(HostsRpc.Register)
  register(@Payload() request: RegisterHostRequest) {
    return this.hosts.register(request);
  }

  @MessagePattern(HostsRpc.List)
  list(@Payload() request: ListHostsRequest) {
    return this.hosts.list(request);
  }

  @MessagePattern(HostsRpc.Get)
  get(@Payload() request: IdRequest) {
    return this.hosts.get(request.id);
  }
}
