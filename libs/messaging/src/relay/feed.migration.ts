import { checkSchemaName, type Migration } from '@samhandling/event-store';

/** `<schema>.deliveries`, the HTTP feed's rows (feed-store.ts), as v0.1.0 created it. */
export function feedDdl(schema: string): string[] {
  const s = checkSchemaName(schema);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.deliveries (
        seq       bigint      PRIMARY KEY,
        agency    text        NOT NULL,
        event_id  uuid        NOT NULL,
        position  bigint      NOT NULL,
        envelope  jsonb       NOT NULL,
        delivered_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (agency, event_id)
      )`,
    `CREATE INDEX IF NOT EXISTS deliveries_agency_seq ON ${s}.deliveries (agency, seq)`,
  ];
}

/**
 * Migration 004_feed (one version of the whole schema's list, @samhandling/schema). The
 * consumer's tables (consumer-tables.ts) are not here: they live in the integrator's database.
 */
export const feedMigration: Migration = { version: 4, name: 'feed', up: feedDdl };
