import fastifyMultipart from '@fastify/multipart';
import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger } from '@proctor/observability';
import { GatewayConfig } from './gateway-config';
import { GatewayModule } from './gateway.module';
import { setupOpenApi } from './http/openapi';
import { fastifyRequestIdOptions, installRequestHooks } from './http/request-hooks';
import { multipartLimits } from './jobs/multipart-submission';

/** Builds and starts the gateway on its port; shared by main and the tests. */
export async function startGateway(config: GatewayConfig, logger: JsonLogger): Promise<INestApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, trustProxy: true, ...fastifyRequestIdOptions });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(config), adapter, { logger, abortOnError: false });
  installRequestHooks(app.getHttpAdapter().getInstance(), new Logger('HttpError'));
  // Job submissions (multipart, the zip streamed in and bounded while parsed); BODY_LIMIT_BYTES does not apply to them.
  await app.register(fastifyMultipart, { throwFileSizeLimit: false, limits: multipartLimits(config.jobs.maxArchiveBytes) });
  setupOpenApi(app);
  await app.listen(config.port, '0.0.0.0');
  return app;
}
