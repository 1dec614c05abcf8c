import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { applyHttpHardening } from './http/hardening';
import { useJsonBodies } from './http/body-parsing';

/** Builds the HTTP application; main.ts and the API tests share it. */
export async function createApp(config: AppConfig, options: { logger?: false } = {}): Promise<NestExpressApplication> {
  // abortOnError false: a failed start (e.g. a schema newer than this build) rejects here, so
  // main.ts says why and exits non-zero, and a test sees the error instead of process.exit.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bodyParser: false, abortOnError: false, ...options });
  applyHttpHardening(app, config.http);
  useJsonBodies(app, config.bodyLimit);
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Samhandling API')
      .setDescription('Commands that record contacts, consent and referrals about a person as immutable events. Every call needs a bearer token naming the calling agency.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
