import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import {
  CommandClient, InboxClient, SamhandlingError, rebuildProjection, runProjectionConsumer, type ConsumerSource,
} from '@samhandling/agency-kit';
import { agencyTables } from './tables';

/*
 * An agency's system on Samhandling, from the outside: it installs @samhandling/agency-kit like any
 * package. Settings come from the environment:
 *   SAMHANDLING_URL (http://127.0.0.1:3000), SAMHANDLING_TOKEN (the agency's bearer token),
 *   AGENCY and KAFKA_BROKERS (for --source kafka and --via inbox), DATABASE_URL, DATABASE_SCHEMA (agency_system).
 *
 *   node dist/main.js sync [--source kafka|feed]     keep the tables in sync until SIGTERM/SIGINT
 *   node dist/main.js rebuild                        rebuild them from zero from the feed, then swap them in
 *   node dist/main.js record-contact <subjectId> [--via http|inbox] [--if-match <revision>]
 */
const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (!value) throw new Error(`Set ${name}`);
  return value;
};
const option = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
};
const api = () => ({ url: env('SAMHANDLING_URL', 'http://127.0.0.1:3000'), token: env('SAMHANDLING_TOKEN') });
const kafka = () => new Kafka({ clientId: 'agency-system-example', brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
const schema = () => env('DATABASE_SCHEMA', 'agency_system');

async function sync(pool: Pool): Promise<void> {
  const kind = option('source', 'kafka');
  const source: ConsumerSource = kind === 'feed'
    ? { kind: 'feed', ...api(), waitSeconds: 5 }
    : { kind: 'kafka', kafka: kafka(), agency: env('AGENCY'), consumer: { sessionTimeout: 10_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 500 } };
  const consumer = await runProjectionConsumer({ source, sql: pool, schema: schema(), projection: agencyTables });
  console.error(`[agency-system] syncing ${schema()}.contacts and ${schema()}.people from ${consumer.topic}`);
  const stop = () => void consumer.stop();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await consumer.done;
  console.error(`[agency-system] stopped: ${JSON.stringify(consumer.stats)}`);
}

async function rebuild(pool: Pool): Promise<void> {
  const result = await rebuildProjection({ feed: api(), sql: pool, schema: schema(), projection: agencyTables, progress: true });
  console.log(JSON.stringify(result));
}

async function recordContact(): Promise<void> {
  const subjectId = process.argv[3];
  if (!subjectId) throw new Error('usage: record-contact <subjectId>');
  const data = {
    subjectId, contactId: randomUUID(), occurredAt: new Date().toISOString(), channel: 'phone' as const,
    categories: ['contact_log' as const], summary: 'Follow-up call from the agency system', concerns: [], interpreterUsed: false,
  };
  if (option('via', 'http') === 'inbox') {
    const producer = kafka().producer({ idempotent: true });
    await producer.connect();
    const id = await new InboxClient(producer, env('AGENCY')).send('RecordContact', data, { actor: 'agency-system' });
    await producer.disconnect();
    console.log(JSON.stringify({ sent: id, contactId: data.contactId }));
    return;
  }
  const ifMatch = option('if-match', '');
  const result = await new CommandClient(api()).send('RecordContact', data, ifMatch ? { ifMatch } : {});
  console.log(JSON.stringify({ ...result, contactId: data.contactId }));
}

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command === 'record-contact') return recordContact();
  if (command !== 'sync' && command !== 'rebuild') throw new Error('usage: main.js sync [--source kafka|feed] | rebuild | record-contact <subjectId>');
  const pool = new Pool({ connectionString: env('DATABASE_URL'), max: 4, application_name: 'agency-system-example' });
  pool.on('error', () => undefined); // an idle connection dropped by the server is replaced, not fatal
  try {
    await (command === 'sync' ? sync(pool) : rebuild(pool));
  } finally {
    await pool.end();
  }
}

/** An error as a log line without data: a refusal's code, a database error's SQLSTATE (its message may quote a value), else the message. */
function summary(error: unknown): string {
  if (error instanceof SamhandlingError) return `${error.name} ${error.code} (HTTP ${error.status})`;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return `${(error as Error).name} code=${code}`;
  return error instanceof Error ? error.message : String(error);
}

main().catch((error: unknown) => {
  console.error(`[agency-system] ${summary(error)}`);
  process.exit(error instanceof SamhandlingError ? 3 : 1);
});
