import { DynamicModule, INestApplication, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, EnvReader, readServiceConfig, ServiceConfig } from '@proctor/config';
import { createValidationPipe } from '@proctor/contracts';
import { JsonLogger, ObservabilityModule, ReadinessService } from '@proctor/observability';
import { migrateSchema, PersistenceModule, schemaDataSourceOptions } from '@proctor/persistence';
import { DataSource, EntitySchema, MixedList } from 'typeorm';
import { MessagingModule } from '../messaging.module';
import { AmqpTransport } from '../server/amqp-transport';
import { ServiceErrorFilter } from '../server/service-error.filter';
import { BrokerNames } from '../topology/broker-names';

/** What makes one backend service: its name (also its schema), its port, its tables, its domain modules. */
export interface ServiceDefinition {
  service: string;
  defaultPort: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
  /**
   * The domain modules; they may read the service's configuration, and their own variables from
   * `env` (a bad value throws a ConfigError, which stops the app with one line, as for the shared ones).
   */
  domainModules: (config: ServiceConfig, env: EnvReader) => (Type | DynamicModule)[];
  /** Durable queues it declares besides `<svc>.rpc` and `<svc>.events` (a test namespace deletes them with it). */
  ownQueues?: (names: BrokerNames) => string[];
}

/** The root module of a service: observability, its schema, the broker, then its domain. */
export function serviceRootModule(definition: ServiceDefinition, config: ServiceConfig, env: EnvReader = new EnvReader()): DynamicModule {
  @Module({})
  class ServiceRootModule {}
  return {
    module: ServiceRootModule,
    imports: [
      ObservabilityModule.forRoot({ service: definition.service }),
      PersistenceModule.forRoot({
        databaseUrl: config.databaseUrl,
        schema: definition.service,
        applicationName: `proctor-${definition.service}`,
        entities: definition.entities,
        migrations: definition.migrations,
      }),
      MessagingModule.forRoot({
        service: definition.service,
        amqpUrl: config.amqpUrl,
        namespace: config.namespace,
        rpcPrefetch: config.rpcPrefetch,
        eventPrefetch: config.eventPrefetch,
        retry: { maxAttempts: config.eventMaxAttempts, baseDelayMs: config.eventRetryBaseMs, maxDelayMs: 30_000 },
        outbox: true,
        retentionHours: config.messagingRetentionHours,
      }),
      ...definition.domainModules(config, env),
    ],
  };
}

/** Builds, connects and starts a service; the HTTP port serves `/healthz`, `/readyz`, `/metrics`. */
export async function startServiceApp(
  definition: ServiceDefinition,
  config: ServiceConfig,
  logger: JsonLogger,
  env: EnvReader = new EnvReader(),
): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(serviceRootModule(definition, config, env), new FastifyAdapter(), {
    logger,
    abortOnError: false,
  });
  // Hybrid microservices are initialised on connect: globals must come from the app's config.
  app.useGlobalFilters(new ServiceErrorFilter());
  app.useGlobalPipes(createValidationPipe());
  app.connectMicroservice({ strategy: app.get(AmqpTransport) }, { inheritAppConfig: true });
  // Migrations run in init: nothing may consume before they are applied.
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.port, '0.0.0.0');
  return app;
}

/** A service's `main`: validate configuration, then serve, or with `migrate` apply migrations and exit. */
export async function runService(definition: ServiceDefinition, argv: string[] = process.argv): Promise<void> {
  let config: ServiceConfig;
  const env = new EnvReader();
  try {
    config = readServiceConfig(env, definition.defaultPort);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${definition.service}: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const logger = new JsonLogger(definition.service, config.logLevel);
  try {
    if (argv[2] === 'migrate') {
      await migrateOnly(definition, config, logger);
      return;
    }
    const app = await startServiceApp(definition, config, logger, env);
    stopOnSignals(app, logger);
    logger.log({ msg: 'service ready', port: portOf(app) }, 'Bootstrap');
  } catch (e) {
    // A domain module's own variable is as much configuration as the shared ones: the same one line.
    if (e instanceof ConfigError) {
      process.stderr.write(`${definition.service}: ${e.message}\n`);
      process.exit(1);
    }
    logger.fatal({ msg: 'service failed to start', error: (e as Error).message, stack: (e as Error).stack }, 'Bootstrap');
    process.exit(1);
  }
}

/** Applies a schema's pending migrations and returns: the `migrate` command (a Kubernetes Job). */
export async function migrateOnly(
  definition: Pick<ServiceDefinition, 'service' | 'entities' | 'migrations'>,
  config: Pick<ServiceConfig, 'databaseUrl'>,
  logger: JsonLogger,
): Promise<void> {
  const dataSource = new DataSource(
    schemaDataSourceOptions({
      databaseUrl: config.databaseUrl,
      schema: definition.service,
      applicationName: `proctor-${definition.service}-migrate`,
      entities: definition.entities,
      migrations: definition.migrations,
      poolSize: 2,
    }),
  );
  await dataSource.initialize();
  try {
    const applied = await migrateSchema(dataSource, definition.service);
    logger.log({ msg: 'migrations applied', schema: definition.service, applied }, 'Migrate');
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Graceful shutdown on SIGTERM or SIGINT: report not ready (traffic moves away), stop consuming,
 * let in-flight work finish, close connections, exit 0. A second signal exits at once.
 */
export function stopOnSignals(app: INestApplication, logger: JsonLogger): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.log({ msg: 'stopping', signal }, 'Shutdown');
    app.get(ReadinessService).markDraining();
    app.close().then(
      () => {
        logger.log({ msg: 'stopped' }, 'Shutdown');
        process.exit(0);
      },
      (e: unknown) => {
        logger.error({ msg: 'unclean stop', error: (e as Error).message }, 'Shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

export function portOf(app: INestApplication): number {
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : 0;
}
