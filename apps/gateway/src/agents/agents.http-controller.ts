import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AgentsRpc, CreateAgentRequest, ListAgentsRequest } from '@proctor/contracts';
import { ServiceCaller } from '../http/service-caller';
import { uuidParam } from '../http/uuid-param.pipe';

@ApiTags('agents')
@ApiBearerAuth()
@Controller('v1/agents')
export class AgentsHttpController {
  constructor(private readonly services: ServiceCaller) {}

  @Post()
  @ApiOperation({ summary: 'Create an agent; the answer holds its key, shown only this once' })
  create(@Body() body: CreateAgentRequest) {
    return this.services.call(AgentsRpc.Create, body);
  }

  @Get()
  @ApiOperation({ summary: 'List agents, newest first, optionally by status' })
  list(@Query() query: ListAgentsRequest) {
    return this.services.call(AgentsRpc.List, query);
  }

  @Get(':id')
  get(@Param('id', uuidParam()) id: string) {
    return this.services.call(AgentsRpc.Get, { id });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unregister an agent: its daemon gets 404 from now on and must exit' })
  async remove(@Param('id', uuidParam()) id: string): Promise<void> {
    await this.services.call(AgentsRpc.Delete, { id });
  }
}
