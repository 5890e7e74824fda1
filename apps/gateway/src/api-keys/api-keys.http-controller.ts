import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@proctor/auth';
import { uuidParam } from '../http/uuid-param.pipe';
import { AdminRoleGuard } from './admin-role.guard';
import { CreateApiKeyRequest } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('api keys')
@ApiBearerAuth()
@UseGuards(AdminRoleGuard)
@Controller('v1/api-keys')
export class ApiKeysHttpController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key for a CI client (X-API-Key); the answer holds the key, shown only this once' })
  create(@Body() body: CreateApiKeyRequest, @Req() request: { user: Principal }) {
    return this.apiKeys.create(body.name, request.user.subject);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (names, never the keys)' })
  list() {
    return this.apiKeys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key: refused from the next request on' })
  async revoke(@Param('id', uuidParam()) id: string, @Req() request: { user: Principal }): Promise<void> {
    await this.apiKeys.revoke(id, request.user.subject);
  }
}
