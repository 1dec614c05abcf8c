import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import {
  domainType, runProjectionConsumer, type AgencyEvent, type KafkaSource, type ProjectionConsumer, type ProjectionConsumerOptions, type SqlExecutor, type TopicProjection,
} from '@samhandling/agency-kit';

/**
 * The agency's own tables, kept from its topic:
 * - `agency_contacts`: one row per contact the agency may see (its own, and others' it is entitled to);
 * - `agency_people`: per person, how many events arrived and the latest one — a counter, so it is
 *   only right if every event is applied exactly once, which the consumer helper guarantees.
 * Several agencies may share the tables (the `agency` column); each keeps its own consumer.
 */
export function agencyTables(schema: string, agency: string): TopicProjection {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('DATABASE_SCHEMA must be a plain lower-case identifier');
  return {
    name: `table-sync-${agency}`,
    async setup(tx) {
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await tx.query(`CREATE TABLE IF NOT EXISTS ${schema}.agency_contacts (
        agency text NOT NULL, contact_id uuid NOT NULL, subject_id uuid NOT NULL, recorded_by text NOT NULL,
        occurred_at timestamptz NOT NULL, channel text NOT NULL, categories text[] NOT NULL, summary text NOT NULL,
        concerns text[] NOT NULL, basis text[] NOT NULL, disclosure_id text NOT NULL, event_id uuid NOT NULL,
        PRIMARY KEY (agency, contact_id))`);
      await tx.query(`CREATE TABLE IF NOT EXISTS ${schema}.agency_people (
        agency text NOT NULL, subject_id uuid NOT NULL, events_received integer NOT NULL,
        last_event_type text NOT NULL, last_event_at timestamptz NOT NULL,
        PRIMARY KEY (agency, subject_id))`);
    },
    async apply(tx: SqlExecutor, event: AgencyEvent) {
      await tx.query(
        `INSERT INTO ${schema}.agency_people AS p (agency, subject_id, events_received, last_event_type, last_event_at) VALUES ($1, $2, 1, $3, $4)
         ON CONFLICT (agency, subject_id) DO UPDATE SET events_received = p.events_received + 1, last_event_type = EXCLUDED.last_event_type, last_event_at = EXCLUDED.last_event_at`,
        [agency, event.subject, domainType(event), event.time]);
      if (event.type !== 'no.samhandling.ContactRecorded.v1') return;
      const c = event.data;
      // A plain INSERT: applying a contact twice would fail on the primary key, not hide.
      await tx.query(
        `INSERT INTO ${schema}.agency_contacts (agency, contact_id, subject_id, recorded_by, occurred_at, channel, categories, summary, concerns, basis, disclosure_id, event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [agency, c.contactId, c.subjectId, c.agency, c.occurredAt, c.channel, c.categories, c.summary, c.concerns, event.basis, event.disclosureid, event.id]);
    },
  };
}

export interface SyncOptions {
  kafka: Kafka;
  pool: Pool;
  agency: string;
  /** Where the tables (and the helper's bookkeeping) go; default `public`. */
  schema?: string;
  consumer?: KafkaSource['consumer'];
  log?: ProjectionConsumerOptions['log'];
}

/** Starts keeping the agency's tables in sync; stop() it on shutdown. */
export function syncAgencyTables({ kafka, pool, agency, schema = 'public', consumer, log }: SyncOptions): Promise<ProjectionConsumer> {
  return runProjectionConsumer({ source: { kind: 'kafka', kafka, agency, groupId: `${agency}.table-sync`, consumer }, sql: pool, schema, projection: agencyTables(schema, agency), log });
}
