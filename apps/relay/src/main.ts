import { DisclosureLog } from '@samhandling/audit';
import { errorSummary, openEventStore } from '@samhandling/event-store';
import { FeedStore, KafkaSink, kafkaSettings, PgRelayLock, Relay, type DeliverySink } from '@samhandling/messaging';
import { loadCatalog } from '@samhandling/policy';
import { AgencyDirectory, platformConfig } from '@samhandling/config';
import { SCHEMA_MIGRATIONS } from '@samhandling/schema';
import { relaySettings } from './relay-settings';

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} [relay] ${message}\n`);

/**
 * The relay process: log → policy → disclosure records → feed and Kafka topics. Configured like
 * the API (DATABASE_URL, DATABASE_SCHEMA, AGENCY_DIRECTORY, LEGAL_BASIS_CATALOG_DIR, …) plus
 * KAFKA_BROKERS (unset: feed only) and the RELAY_* settings in relay-settings.ts.
 */
async function main(): Promise<void> {
  let relay: Relay | undefined;
  const sinks: DeliverySink[] = [];
  let close = async () => undefined as void;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing the batch in hand, then stopping`);
    setTimeout(() => { log('did not stop within 25 s; exiting (the batch is re-run on restart)'); process.exit(1); }, 25_000).unref();
    await relay?.stop();
    for (const sink of sinks) await sink.close().catch(() => undefined);
    await close();
    log(`stopped at position ${relay?.position ?? 'none (not started)'}`);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  const config = platformConfig();
  const settings = relaySettings();
  if (!config.databaseUrl) {
    log('DATABASE_URL is not set. The relay process needs PostgreSQL: the embedded PGlite store belongs to one process, so with it the API runs the relay itself and serves GET /feed. Set DATABASE_URL=postgres://… to run the relay on its own.');
    process.exit(2);
  }
  // Migrates the schema first, and refuses one a newer release wrote (SchemaTooNewError, exit 1).
  const store = await openEventStore({ databaseUrl: config.databaseUrl, schema: config.schema, poolSize: 4, migrations: SCHEMA_MIGRATIONS, log });
  close = () => store.close();
  const directory = AgencyDirectory.fromFile(config.agencyDirectoryFile);
  const agencies = directory.all();
  const catalog = loadCatalog(config.catalogDir, { enabled: config.enabledBases });
  const disclosureLog = DisclosureLog.attach(store.sqlClient, store.schemaName);
  const feed = FeedStore.attach(store.sqlClient, store.schemaName);
  const kafka = kafkaSettings('samhandling-relay');
  if (kafka) {
    sinks.push(await KafkaSink.create(kafka, { agencies: agencies.map((a) => a.id), partitions: settings.partitions, replicationFactor: settings.replicationFactor }));
    log(`Kafka at ${kafka.brokers.join(',')}: topics samhandling.<agency>.v1 for ${agencies.length} agencies`);
  } else {
    log('KAFKA_BROKERS is not set: delivering to the HTTP feed only');
  }
  const lock = new PgRelayLock({
    connectionString: config.databaseUrl, name: `samhandling-relay:${config.schema}`, log,
    onLost: (error) => {
      // Another relay may take over now; carrying on could run two at once.
      log(`lost the relay lock (${errorSummary(error)}); exiting so a restart re-takes it`);
      process.exit(1);
    },
  });
  relay = new Relay({ store, catalog, agencies, disclosureLog, feed, sinks, lock, log, batchSize: settings.batchSize, checkpointName: settings.checkpointName });

  if (stopping) return;
  await relay.start();
  log(`running (schema ${config.schema}, ${agencies.length} agencies, batch ${settings.batchSize})`);
}

main().catch((error) => {
  log(`failed to start: ${errorSummary(error)}${error instanceof Error && error.stack ? `\n${error.stack.split('\n').slice(1).join('\n')}` : ''}`);
  process.exit(1);
});
