import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { startTracing } from '@samhandling/observability';
import { loadConfig } from './platform/config/app-config';

async function main(): Promise<void> {
  const config = loadConfig();
  // OTLP traces when OTEL_TRACES_EXPORTER=otlp or an OTEL_EXPORTER_OTLP_ENDPOINT is set; off otherwise.
  const stopTracing = startTracing('samhandling-api');
  if (stopTracing) for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stopTracing().catch(() => undefined));
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const store = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}/pglite`;
  new Logger('Samhandling').log(`API on http://${config.host}:${config.port} (docs at /docs), event store: ${store}`);
}

main().catch((error: unknown) => {
  // A schema a newer release wrote, an unreachable database, …: say so plainly and exit non-zero.
  process.stderr.write(`Samhandling API failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
