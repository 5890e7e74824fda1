import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { HostsRpc, ListHostsRequest, RegisterHostRequest } from '@proctor/contracts';
import { ServiceCaller } from '../http/service-caller';
import { uuidParam } from '../http/uuid-param.pipe';

@ApiTags('hosts')
@ApiBearerAuth()
@Controller('v1/hosts')
export class HostsHttpController {
  constructor(private readonly services: ServiceCaller) {}

  @Post()
  register(@Body() body: RegisterHostRequest) {
    return this.services.call(HostsRpc.Register, body);
  }

  @Get()
  list(@Query() query: ListHostsRequest) {
    return this.services.call(HostsRpc.List, query);
  }

  @Get(':id')
  get(@Param('id', uuidParam()) id: string) {
    return this.services.call(HostsRpc.Get, { id });
  }
}
