import 'reflect-metadata';
import cluster from 'node:cluster';
import pino from 'pino';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { startTracing } from '@samhandling/observability';
import { loadConfig } from './platform/config/app-config';
import { runWorkers } from './workers';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.workers > 1 && cluster.isPrimary) {
    // JSON lines like the workers' (pino), from the process that only supervises them.
    const logger = pino({ level: config.logLevel, base: { pid: process.pid, context: 'Workers' } });
    return runWorkers(config, { info: (m) => logger.info(m), warn: (m) => logger.warn(m) });
  }
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
