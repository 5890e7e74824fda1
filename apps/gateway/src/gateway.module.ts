import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, Reflector } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { JwtAuthGuard } from '@proctor/auth';
import { createValidationPipe } from '@proctor/contracts';
import { AmqpConnection, BrokerNames, MessagingModule, RpcClient } from '@proctor/messaging';
import { MetricsService, ObservabilityModule } from '@proctor/observability';
import { MessagingRetentionIndexes1764200000000, PersistenceModule } from '@proctor/persistence';
import { AgentApiModule } from './agent-api/agent-api.module';
import { AgentsHttpController } from './agents/agents.http-controller';
import { ApiKey } from './api-keys/api-key.entity';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { CiClientGuard } from './api-keys/ci-client.guard';
import { ExercisesHttpController } from './exercises/exercises.http-controller';
import { DeviceDirectory } from './fleet-api/device-directory';
import { DevicesHttpController } from './fleet-api/devices.http-controller';
import { FleetAccessGuard, FleetBearerGuard } from './fleet-api/fleet-access.guard';
import { FleetDeviceLookups } from './fleet-api/fleet-device-lookups';
import { FleetGatewayService } from './fleet-api/fleet-gateway.service';
import { FleetHealthHttpController } from './fleet-api/fleet-health.http-controller';
import { HeartbeatPublisher } from './fleet-api/heartbeat-publisher';
import { MachineDevicesHttpController } from './fleet-api/machine-devices.http-controller';
import { RolloutsHttpController } from './fleet-api/rollouts.http-controller';
import { StaticApiKeys } from './fleet-api/static-api-keys';
import { UnknownKeyLimiter } from './fleet-api/unknown-key-limiter';
import { GatewayConfig } from './gateway-config';
import { ClientThrottlerGuard, gatewayThrottlers } from './http/client-throttler.guard';
import { ErrorEnvelopeFilter } from './http/error-envelope.filter';
import { FixedWindowThrottlerStorage } from './http/fixed-window.throttler-storage';
import { ServiceCaller } from './http/service-caller';
import { HostsHttpController } from './hosts/hosts.http-controller';
import { AdminUser } from './identity/admin-user.entity';
import { IdentityModule } from './identity/identity.module';
import { IdempotencyKey } from './idempotency/idempotency-key.entity';
import { idempotencyLockSeconds } from './idempotency/idempotency-settings';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { JobsApiModule } from './jobs/jobs-api.module';
import { CreateAdminUsers1763900000000 } from './migrations/1763900000000-create-admin-users';
import { CreateIdempotencyKeys1763920000000 } from './migrations/1763920000000-create-idempotency-keys';
import { CreateApiKeys1764100100000 } from './migrations/1764100100000-create-api-keys';
import { PortsHttpController } from './ports/ports.http-controller';
import { TasksHttpController } from './tasks/tasks.http-controller';

export const GATEWAY_ENTITIES = [AdminUser, IdempotencyKey, ApiKey];
export const GATEWAY_MIGRATIONS = [CreateAdminUsers1763900000000, CreateIdempotencyKeys1763920000000, CreateApiKeys1764100100000, MessagingRetentionIndexes1764200000000];

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
          throttlers: gatewayThrottlers({ perClientPerMinute: config.rateLimitPerMinute, perDevicePerMinute: config.fleet.deviceRateLimitPerMinute }),
          storage: new FixedWindowThrottlerStorage(),
          generateKey: (_context, tracker, throttler) => `${throttler}:${tracker}`,
        }),
        IdentityModule.forRoot({ jwt: config.jwt, admin: config.admin }),
        IdempotencyModule.forRoot({ ...config.idempotency, lockSeconds: idempotencyLockSeconds(config.rpcTimeoutMs) }),
        AgentApiModule.forRoot({ auth: config.agentAuth, rpcTimeoutMs: config.rpcTimeoutMs }),
        ApiKeysModule.forRoot({ cacheTtlMs: config.apiKeyCacheTtlMs }),
        JobsApiModule.forRoot({ jobs: config.jobs, rpcTimeoutMs: config.rpcTimeoutMs }),
      ],
      controllers: [
        AgentsHttpController,
        ExercisesHttpController,
        TasksHttpController,
        PortsHttpController,
        MachineDevicesHttpController,
        DevicesHttpController,
        RolloutsHttpController,
        FleetHealthHttpController,
        HostsHttpController,
      ],
      providers: [
        { provide: ServiceCaller, inject: [RpcClient], useFactory: (rpc: RpcClient) => new ServiceCaller(rpc, config.rpcTimeoutMs) },
        {
          provide: DeviceDirectory,
          inject: [ServiceCaller],
          useFactory: (services: ServiceCaller) => new DeviceDirectory(new FleetDeviceLookups(services), config.fleet.authCache),
        },
        {
          provide: HeartbeatPublisher,
          inject: [AmqpConnection, BrokerNames, MetricsService],
          useFactory: (connection: AmqpConnection, names: BrokerNames, metrics: MetricsService) =>
            new HeartbeatPublisher(connection, names, metrics, config.rpcTimeoutMs, config.fleet.heartbeatBatch),
        },
        {
          provide: FleetGatewayService,
          inject: [ServiceCaller, DeviceDirectory, HeartbeatPublisher],
          useFactory: (services: ServiceCaller, directory: DeviceDirectory, heartbeats: HeartbeatPublisher) =>
            new FleetGatewayService(services, directory, heartbeats),
        },
        FleetBearerGuard,
        // Global guards run in this order: bearer token (skipped by fleet and CI routes), fleet credentials, CI client
        // credentials (JWT or API key), then rate limits, so that the limiter already knows which device or client a request counts against.
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        {
          provide: APP_GUARD,
          inject: [Reflector, DeviceDirectory, FleetBearerGuard],
          useFactory: (reflector: Reflector, directory: DeviceDirectory, bearer: FleetBearerGuard) =>
            new FleetAccessGuard(
              reflector,
              new StaticApiKeys(config.fleet),
              directory,
              new UnknownKeyLimiter(config.fleet.unknownKeysPerMinute, config.fleet.authCache.maxEntries),
              bearer,
              config.fleet,
            ),
        },
        { provide: APP_GUARD, useExisting: CiClientGuard },
        { provide: APP_GUARD, useClass: ClientThrottlerGuard },
        { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
        { provide: APP_PIPE, useValue: createValidationPipe() },
      ],
    };
  }
}
