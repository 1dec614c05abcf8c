import { Pool } from 'pg';
import type { ProjectionConsumer } from '@samhandling/agency-kit';
import { createKafka, kafkaSettings } from '@samhandling/messaging';
import { syncAgencyTables } from './agency-tables';

/**
 * Keeps PostgreSQL tables in sync with an agency's Samhandling topic until SIGTERM/SIGINT.
 * AGENCY names the agency (a comma-separated list runs one consumer per agency topic);
 * DATABASE_URL, DATABASE_SCHEMA (public), KAFKA_BROKERS and KAFKA_SASL_* / KAFKA_SSL as for the relay;
 * KAFKA_SESSION_TIMEOUT_MS (30000) sets how soon the group replaces a crashed instance.
 */
async function main(): Promise<void> {
  const settings = kafkaSettings('samhandling-table-sync');
  const agencies = (process.env.AGENCY ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  if (!settings || !process.env.DATABASE_URL || agencies.length === 0) {
    throw new Error('Set KAFKA_BROKERS, DATABASE_URL and AGENCY (e.g. AGENCY=oslo-health)');
  }
  const sessionTimeout = Number(process.env.KAFKA_SESSION_TIMEOUT_MS ?? 30_000);
  const consumer = { sessionTimeout, heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)) };
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, application_name: 'samhandling-table-sync' });
  pool.on('error', () => undefined); // an idle connection dropped by the server is replaced, not fatal
  const kafka = createKafka(settings);
  const schema = process.env.DATABASE_SCHEMA ?? 'public';

  const running: ProjectionConsumer[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(running.map((c) => c.stop()));
    await pool.end();
    process.exit(code);
  };
  process.once('SIGTERM', () => void shutdown(0));
  process.once('SIGINT', () => void shutdown(0));
  // Started together: each join may wait out a crashed predecessor's session.
  await Promise.all(agencies.map(async (agency) => {
    const sync = await syncAgencyTables({ kafka, pool, agency, schema, consumer });
    running.push(sync);
    // A consumer that stopped on an error has said why; exit so a supervisor restarts the process.
    sync.done.catch(() => void shutdown(1));
    console.error(`[table-sync] ${sync.topic} -> ${schema}.agency_contacts, ${schema}.agency_people (group ${sync.groupId})`);
  }));
  console.error('[table-sync] running');
}

main().catch((error: unknown) => {
  console.error(`[table-sync] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
