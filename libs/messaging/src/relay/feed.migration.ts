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
 * The compact layout (migration 009_deliveries_compact): a row keeps only what the event does
 * not give (feed-row.ts), keyed by agency, so one index serves the feed's page and head queries
 * and another the relay's re-run check; the event is found by position. It stored a copy of the
 * envelope's own fields, the event id and three indexes before: 1.5× the events table at 100k
 * events (bench/scale). An older table is converted in place, its seq kept (consumers' cursors
 * stay valid); `seq` is drawn from a sequence from then on. Run on a table already compact
 * (FeedStore.create on every start of a test store) it does nothing.
 */
export function compactFeedDdl(schema: string): string[] {
  const s = checkSchemaName(schema);
  const part = (key: string, value: string, omitWhen: string) => `'${key}', CASE WHEN ${omitWhen} THEN NULL ELSE ${value} END`;
  return [
    `CREATE SEQUENCE IF NOT EXISTS ${s}.deliveries_seq AS bigint`,
    `DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = '${s}' AND table_name = 'deliveries' AND column_name = 'envelope') THEN
        CREATE TABLE ${s}.deliveries_compact (
          agency        text        NOT NULL,
          seq           bigint      NOT NULL,
          position      bigint      NOT NULL,
          disclosure_id uuid,
          meta          jsonb       NOT NULL,
          delivered_at  timestamptz NOT NULL DEFAULT now()
        );
        INSERT INTO ${s}.deliveries_compact (agency, seq, position, disclosure_id, meta, delivered_at)
          SELECT d.agency, d.seq, d.position, nullif(d.envelope->>'disclosureid', '')::uuid,
                 jsonb_strip_nulls(jsonb_build_object('c', d.envelope->'categories',
                   ${part('b', `d.envelope->'basis'`, `d.envelope->'basis' = '["own"]'::jsonb`)},
                   ${part('s', `d.envelope->'subject'`, `d.envelope->>'subject' = e.data->>'subjectId'`)},
                   ${part('o', `d.envelope->'source'`, `d.envelope->>'source' = '/samhandling/agencies/' || (e.metadata->>'agency')`)},
                   'r', d.envelope->'redacted')),
                 d.delivered_at
            FROM ${s}.deliveries d LEFT JOIN ${s}.events e ON e.position = d.position
           ORDER BY d.seq;
        PERFORM setval('${s}.deliveries_seq', coalesce((SELECT max(seq) FROM ${s}.deliveries), 0) + 1, false);
        DROP TABLE ${s}.deliveries;
        ALTER TABLE ${s}.deliveries_compact RENAME TO deliveries;
        ALTER TABLE ${s}.deliveries ADD CONSTRAINT deliveries_pkey PRIMARY KEY (agency, seq);
        ALTER TABLE ${s}.deliveries ADD CONSTRAINT deliveries_agency_position_key UNIQUE (agency, position);
      END IF;
    END $$`,
  ];
}

/** Migration 009_deliveries_compact (see compactFeedDdl). */
export const compactFeedMigration: Migration = { version: 9, name: 'deliveries_compact', up: compactFeedDdl };

/**
 * Migration 004_feed (one version of the whole schema's list, @samhandling/schema). The
 * consumer's tables (consumer-tables.ts) are not here: they live in the integrator's database.
 */
export const feedMigration: Migration = { version: 4, name: 'feed', up: feedDdl };
