import { NestFactory } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { applyHttpHardening } from './http/hardening';

/** Builds the HTTP application; main.ts and the API tests share it. */
export async function createApp(config: AppConfig, options: { logger?: false } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bodyParser: false, ...options });
  applyHttpHardening(app, config.http);
  app.useBodyParser('json', { limit: config.bodyLimit });
  // Body-parser errors answered here, before Nest wraps them: its message quotes the body.
  app.use((error: { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (error?.type === 'entity.parse.failed') return res.status(400).json({ statusCode: 400, error: 'REQUEST.MALFORMED_JSON', message: 'Request body is not valid JSON' });
    if (error?.type === 'entity.too.large') return res.status(413).json({ statusCode: 413, error: 'REQUEST.TOO_LARGE', message: `Request body exceeds ${config.bodyLimit}` });
    return next(error);
  });
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
