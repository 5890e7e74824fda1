import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyCleanup } from './idempotency-cleanup';
import { IdempotencyKey } from './idempotency-key.entity';
import { IDEMPOTENCY_SETTINGS, IdempotencySettings } from './idempotency-settings';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';

/** `Idempotency-Key` for any route of the gateway (`@Idempotent()`); global, imported once. */
@Module({})
export class IdempotencyModule {
  static forRoot(settings: IdempotencySettings): DynamicModule {
    return {
      module: IdempotencyModule,
      global: true,
      imports: [TypeOrmModule.forFeature([IdempotencyKey])],
      providers: [{ provide: IDEMPOTENCY_SETTINGS, useValue: settings }, IdempotencyStore, IdempotencyInterceptor, IdempotencyCleanup],
      exports: [IdempotencyStore, IdempotencyInterceptor],
    };
  }
}
