import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { API_KEY_SECURITY } from '../fleet-api/fleet-route.decorators';

/** OpenAPI of the public API: the UI at `/docs`, the JSON spec at `/docs-json`. */
export function setupOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Proctor')
      .setDescription(
        'The control plane test labs run on. Get a token with POST /v1/auth/token, then send it as a bearer token. ' +
          'The fleet API (devices, rollouts) takes X-API-Key: the admin key, the fleet key, or a device key.',
      )
      .setVersion('1')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, API_KEY_SECURITY)
      .addGlobalParameters({ name: 'X-API-Version', in: 'header', required: false, schema: { type: 'string', enum: ['1'] } })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
