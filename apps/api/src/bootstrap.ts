import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import type { AppConfig } from './platform/config/app-config';
import { applyHttpHardening } from './platform/http/hardening';
import { useJsonBodies } from './platform/http/body-parsing';
import { httpMetrics } from './platform/observability/http-metrics';
import { httpTracing } from './platform/observability/http-tracing';
import { METRICS } from './platform/observability/metrics.providers';
import { CustomProjections, loadCustomProjections } from './reads/custom/custom-projections';
import { listCustomProjections } from './reads/custom/custom-openapi';

/** Builds the HTTP application; main.ts and the API tests share it. */
export async function createApp(config: AppConfig, options: { logger?: false; logDestination?: DestinationStream } = {}): Promise<NestExpressApplication> {
  const log = options.logger === false ? false : { level: config.logLevel, destination: options.logDestination };
  // abortOnError false: a failed start (e.g. a schema newer than this build) rejects here, so
  // main.ts says why and exits non-zero, and a test sees the error instead of process.exit.
  // First: a bad CUSTOM_PROJECTIONS module stops the start, naming it, before the store is opened.
  const customProjections = await loadCustomProjections(config.customProjections);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, log, customProjections), { bodyParser: false, abortOnError: false, bufferLogs: log !== false, ...(log ? {} : { logger: false }) });
  // JSON lines through pino (observability/logging.ts), Nest's own messages included.
  if (log) {
    app.useLogger(app.get(PinoNestLogger));
    // Nest flushes the buffered start-up lines only in listen(); an app that is only init()ed
    // (the tests, whose inbox logs through Nest's Logger) would keep every later line buffered.
    app.flushLogs();
  }
  // First, so every answer is timed and counted, refusals by the hardening included.
  app.use(httpTracing());
  app.use(httpMetrics(app.get(METRICS)));
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
  listCustomProjections(document, app.get(CustomProjections).names);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
