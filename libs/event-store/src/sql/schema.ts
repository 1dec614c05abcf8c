import { checkSchemaName } from './sql-client';

/**
 * One table for the log, one for stream heads, one for subscriber checkpoints.
 * `position` is assigned by the appender while it holds the store's advisory lock, so positions
 * are dense and follow commit order (see sql-event-store.ts for why that matters).
 */
export function schemaDdl(schemaName: string): string[] {
  const s = checkSchemaName(schemaName);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.events (
      position    bigint      PRIMARY KEY,
      event_id    uuid        NOT NULL UNIQUE,
      stream_id   text        NOT NULL,
      revision    bigint      NOT NULL,
      type        text        NOT NULL,
      data        jsonb       NOT NULL,
      metadata    jsonb       NOT NULL DEFAULT '{}'::jsonb,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (stream_id, revision)
    )`,
    `CREATE TABLE IF NOT EXISTS ${s}.streams (
      stream_id text   PRIMARY KEY,
      revision  bigint NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS ${s}.checkpoints (
      name       text        PRIMARY KEY,
      position   bigint      NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    // Events are immutable: the log refuses UPDATE and DELETE outright.
    `CREATE OR REPLACE FUNCTION ${s}.events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'events are immutable: % refused', TG_OP;
    END $$`,
    `CREATE OR REPLACE TRIGGER events_immutable BEFORE UPDATE OR DELETE ON ${s}.events
      FOR EACH ROW EXECUTE FUNCTION ${s}.events_are_immutable()`,
  ];
}

/** Channel the store NOTIFYs on after each commit, so tailing readers wake without polling. */
export const notifyChannel = (schemaName: string) => `${checkSchemaName(schemaName)}_appended`;
