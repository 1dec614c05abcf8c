import pino from 'pino';
import { DisclosureLog } from '@samhandling/audit';
import { errorSummary, openEventStore } from '@samhandling/event-store';
import { PersonalDataCodec, SqlKeyStore } from '@samhandling/privacy';
import { FeedStore, KafkaSink, kafkaSettings, PartitionLeases, PgRelayLock, pingKafka, Relay, relayLag, RelayPolicyStore, type DeliverySink, type Partition } from '@samhandling/messaging';
import { Metrics, startTracing } from '@samhandling/observability';
import { loadCatalog } from '@samhandling/policy';
import { AgencyDirectory, platformConfig } from '@samhandling/config';
import { startOpsServer, type ReadyCheck } from './ops-server';
import { SCHEMA_MIGRATIONS } from '@samhandling/schema';
import { relaySettings } from './relay-settings';

// JSON lines on standard error (pino), as the API logs; LOG_LEVEL as there. Messages name positions and agencies, never a person.
const logger = pino({ level: process.env.LOG_LEVEL || 'info', base: { pid: process.pid, service: 'samhandling-relay' } }, pino.destination({ fd: 2, sync: true }));
const log = (message: string) => logger.info(message);

/**
 * The relay process: log → policy → disclosure records → feed and Kafka topics. Configured like
 * the API (DATABASE_URL, DATABASE_SCHEMA, AGENCY_DIRECTORY, LEGAL_BASIS_CATALOG_DIR, …) plus
 * KAFKA_BROKERS (unset: feed only) and the RELAY_* settings in relay-settings.ts.
 */
async function main(): Promise<void> {
  let relay: Relay | undefined;
  let leases: PartitionLeases | undefined;
  let stopTracing: (() => Promise<void>) | undefined;
  let ops: import('node:http').Server | undefined;
  const sinks: DeliverySink[] = [];
  let close = async () => undefined as void;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing the batch in hand, then stopping`);
    setTimeout(() => { log('did not stop within 25 s; exiting (the batch is re-run on restart)'); process.exit(1); }, 25_000).unref();
    ops?.close();
    await relay?.stop();
    await leases?.stop();
    for (const sink of sinks) await sink.close().catch(() => undefined);
    await close();
    await stopTracing?.().catch(() => undefined);
    log(leases ? 'stopped; partitions handed back' : `stopped at position ${relay?.position ?? 'none (not started)'}`);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  // OTLP traces when OTEL_TRACES_EXPORTER=otlp or an OTEL_EXPORTER_OTLP_ENDPOINT is set; off otherwise.
  stopTracing = startTracing('samhandling-relay');
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
    // The relay writes no events: the codec only opens sealed personal fields as envelopes leave for Kafka.
    const personalData = new PersonalDataCodec(new SqlKeyStore(store.sqlClient, store.schemaName), async () => undefined);
    sinks.push(await KafkaSink.create(kafka, {
      agencies: agencies.map((a) => a.id), partitions: settings.partitions, replicationFactor: settings.replicationFactor,
      reveal: (value) => personalData.reveal(value),
    }));
    log(`Kafka at ${kafka.brokers.join(',')}: topics samhandling.<agency>.v1 for ${agencies.length} agencies`);
  } else {
    log('KAFKA_BROKERS is not set: delivering to the HTTP feed only');
  }
  // Another relay may take over now; carrying on could run two at once.
  const onLost = (error: Error) => {
    log(`lost the relay's lock (${errorSummary(error)}); exiting so a restart re-takes it`);
    process.exit(1);
  };
  const partitions = config.relayPartitions;
  const lag = relayLag(store, settings.checkpointName, partitions);
  const metrics = new Metrics({ relayLag: lag });
  store.observeAppends({ committed: (size, seconds) => metrics.appended(size, seconds) });
  const policyState = RelayPolicyStore.attach(store.sqlClient, store.schemaName);
  const relayFor = (partition?: Partition) => new Relay({
    store, catalog, agencies, disclosureLog, feed, sinks, log, batchSize: settings.batchSize, checkpointName: settings.checkpointName,
    policyState, cachedSubjects: Math.max(1, Math.ceil(settings.cachedSubjects / (partition ? partitions : 1))), partition,
    onBatch: (plan) => metrics.delivered(plan.deliveries),
    ...(partition ? {} : { lock: new PgRelayLock({ connectionString: config.databaseUrl!, name: `samhandling-relay:${config.schema}`, log, onLost }) }),
  });
  // One partition: one relay at a time, a second waits as a standby. More: the instances share them (PartitionLeases).
  if (partitions > 1) leases = new PartitionLeases({ connectionString: config.databaseUrl, schema: config.schema, partitions, worker: relayFor, log, onLost });
  else relay = relayFor();
  if (settings.http.port > 0) {
    const checks: ReadyCheck[] = [
      { name: 'store', check: async () => ({ up: (await store.headPosition().then(() => true, () => false)) }) },
      { name: 'relay', check: async () => {
        const { events, seconds } = await lag.lag();
        return { up: events <= settings.readyMaxLagEvents, details: { lagEvents: events, lagSeconds: seconds, maxLagEvents: settings.readyMaxLagEvents } };
      } },
    ];
    if (kafka) checks.push({ name: 'kafka', check: async () => { const ping = await pingKafka(kafka); return ping.ok ? { up: true, details: { brokers: ping.brokers } } : { up: false, details: { message: ping.reason } }; } });
    try {
      ops = await startOpsServer({ ...settings.http, metrics, checks });
      log(`metrics and health on http://${settings.http.host}:${settings.http.port} (/metrics, /health/live, /health/ready)`);
    } catch (error) {
      // Delivery matters more than its figures: say so loudly and relay on (a second relay on one host, say).
      log(`WARNING: metrics and health are OFF: cannot listen on ${settings.http.host}:${settings.http.port} (${errorSummary(error)}); set RELAY_HTTP_PORT`);
    }
  }

  if (stopping) return;
  await (leases ?? relay)!.start();
  log(`running (schema ${config.schema}, ${agencies.length} agencies, batch ${settings.batchSize}${leases ? `, sharing ${partitions} partitions` : ''})`);
}

main().catch((error) => {
  log(`failed to start: ${errorSummary(error)}${error instanceof Error && error.stack ? `\n${error.stack.split('\n').slice(1).join('\n')}` : ''}`);
  process.exit(1);
});
