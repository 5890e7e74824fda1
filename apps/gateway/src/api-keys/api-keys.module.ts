import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeysHttpController } from './api-keys.http-controller';
import { ApiKeysService } from './api-keys.service';
import { CiBearerGuard, CiClientGuard } from './ci-client.guard';

/** API keys of CI clients and the "JWT or API key" guard of the CI API (registered globally by the gateway module). */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey])],
  controllers: [ApiKeysHttpController],
  providers: [ApiKeyRepository, ApiKeysService, CiBearerGuard, CiClientGuard],
  exports: [CiClientGuard],
})
export class ApiKeysModule {}
