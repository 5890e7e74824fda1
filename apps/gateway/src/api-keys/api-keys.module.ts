import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeysHttpController } from './api-keys.http-controller';
import { API_KEYS_OPTIONS, ApiKeysOptions, ApiKeysService } from './api-keys.service';
import { CiBearerGuard, CiClientGuard } from './ci-client.guard';

/** API keys of CI clients and the "JWT or API key" guard of the CI API (registered globally by the gateway module). */
@Module({})
export class ApiKeysModule {
  static forRoot(options: ApiKeysOptions): DynamicModule {
    return {
      module: ApiKeysModule,
      imports: [TypeOrmModule.forFeature([ApiKey])],
      controllers: [ApiKeysHttpController],
      providers: [{ provide: API_KEYS_OPTIONS, useValue: options }, ApiKeyRepository, ApiKeysService, CiBearerGuard, CiClientGuard],
      exports: [CiClientGuard],
    };
  }
}
