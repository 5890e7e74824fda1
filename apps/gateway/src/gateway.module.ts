import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { JwtAuthGuard } from '@proctor/auth';
import { createValidationPipe } from '@proctor/contracts';
import { MessagingModule, RpcClient } from '@proctor/messaging';
import { ObservabilityModule } from '@proctor/observability';
import { PersistenceModule } from '@proctor/persistence';
import { AgentsHttpController } from './agents/agents.http-controller';
import { DevicesHttpController } from './devices/devices.http-controller';
import { ExercisesHttpController } from './exercises/exercises.http-controller';
import { GatewayConfig } from './gateway-config';
import { ClientThrottlerGuard } from './http/client-throttler.guard';
import { ErrorEnvelopeFilter } from './http/error-envelope.filter';
import { FixedWindowThrottlerStorage } from './http/fixed-window.throttler-storage';
import { ServiceCaller } from './http/service-caller';
import { HostsHttpController } from './hosts/hosts.http-controller';
import { AdminUser } from './identity/admin-user.entity';
import { IdentityModule } from './identity/identity.module';
import { JobsHttpController } from './jobs/jobs.http-controller';
import { CreateAdminUsers1763900000000 } from './migrations/1763900000000-create-admin-users';

export const GATEWAY_ENTITIES = [AdminUser];
export const GATEWAY_MIGRATIONS = [CreateAdminUsers1763900000000];

/** The public API: authentication, validation, rate limits, and HTTP mapped to RPC. No domain logic. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'gateway' }),
        PersistenceModule.forRoot({
          databaseUrl: config.databaseUrl,
          schema: 'gateway',
          applicationName: 'proctor-gateway',
          entities: GATEWAY_ENTITIES,
          migrations: GATEWAY_MIGRATIONS,
        }),
        MessagingModule.forRoot({ service: 'gateway', amqpUrl: config.amqpUrl, namespace: config.namespace }),
        PassportModule,
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }],
          storage: new FixedWindowThrottlerStorage(),
          generateKey: (_context, tracker, throttler) => `${throttler}:${tracker}`,
        }),
        IdentityModule.forRoot({ jwt: config.jwt, admin: config.admin }),
      ],
      controllers: [AgentsHttpController, ExercisesHttpController, JobsHttpController, DevicesHttpController, HostsHttpController],
      providers: [
        { provide: ServiceCaller, inject: [RpcClient], useFactory: (rpc: RpcClient) => new ServiceCaller(rpc, config.rpcTimeoutMs) },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: ClientThrottlerGuard },
        { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
        { provide: APP_PIPE, useValue: createValidationPipe() },
      ],
    };
  }
}
