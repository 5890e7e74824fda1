import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI of the public API: the UI at `/docs`, the JSON spec at `/docs-json`. */
export function setupOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Proctor')
      .setDescription('The control plane test labs run on. Get a token with POST /v1/auth/token, then send it as a bearer token.')
      .setVersion('1')
      .addBearerAuth()
      .addGlobalParameters({ name: 'X-API-Version', in: 'header', required: false, schema: { type: 'string', enum: ['1'] } })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
