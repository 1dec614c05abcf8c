import { checkSchemaName, type Migration } from '@samhandling/event-store';
import { auditNotesDdl } from './audit-notes.schema';
import { COMPACT_RECORD_SQL } from './disclosure-row';

/** `<schema>.disclosures`, the hash-chained log, with the indexes officers' queries use. */
export function disclosureLogDdl(schema: string): string[] {
  const s = checkSchemaName(schema);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.disclosures (
        seq         bigint      PRIMARY KEY,
        id          uuid        NOT NULL UNIQUE,
        subject_id  text        NOT NULL,
        recipient   text        NOT NULL,
        occurred_at timestamptz NOT NULL,
        record      jsonb       NOT NULL,
        prev_hash   text        NOT NULL,
        hash        text        NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`,
    `CREATE INDEX IF NOT EXISTS disclosures_subject ON ${s}.disclosures (subject_id, seq)`,
    `CREATE INDEX IF NOT EXISTS disclosures_recipient ON ${s}.disclosures (recipient, seq)`,
    // For officers' queries (audit-trail.ts): period and the break-glass queue. Every index is
    // paid on every disclosure write (bench/audit): a GIN index on the disclosers cost about
    // as much as the rest of the insert, so scope by discloser is checked on the seq-ordered
    // scan instead (the recipient side has its index above).
    `CREATE INDEX IF NOT EXISTS disclosures_occurred ON ${s}.disclosures (occurred_at)`,
    `CREATE INDEX IF NOT EXISTS disclosures_break_glass ON ${s}.disclosures (seq) WHERE record ->> 'kind' = 'break_glass'`,
  ];
}

/**
 * The disclosure log refuses UPDATE, DELETE and TRUNCATE, as the events table does: a record once
 * written stays as it was, so an accident or a role without the table's ownership cannot remove or
 * rewrite one. (An owner can drop the trigger; what the chain's external anchor is for, issue 16.)
 */
export function disclosuresAppendOnlyDdl(schema: string): string[] {
  const s = checkSchemaName(schema);
  return [
    `CREATE OR REPLACE FUNCTION ${s}.refuse_disclosure_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'AUDIT.APPEND_ONLY: disclosures is append-only: % refused', TG_OP;
    END $$`,
    `CREATE OR REPLACE TRIGGER disclosures_append_only BEFORE UPDATE OR DELETE ON ${s}.disclosures
      FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_disclosure_change()`,
    `CREATE OR REPLACE TRIGGER disclosures_no_truncate BEFORE TRUNCATE ON ${s}.disclosures
      FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_disclosure_change()`,
  ];
}

/** Migration 008_disclosures_append_only (see disclosuresAppendOnlyDdl). */
export const disclosuresAppendOnlyMigration: Migration = { version: 8, name: 'disclosures_append_only', up: disclosuresAppendOnlyDdl };

/**
 * The disclosure log kept smaller (disclosure-row.ts): `record` without the fields its columns hold,
 * and the chain's hashes as 32 bytes instead of 64 hex characters. Rows written before are
 * rewritten in place by ALTER TABLE (one table rewrite, which fires no row trigger, so the table
 * stays append-only throughout); what a record read back gives, and so its hash, is unchanged. A
 * hash that is not a SHA-256 hex digest means the chain was altered by hand: the step refuses to
 * run rather than guess, and says which record. Runs once: a table already in bytea is left alone.
 */
export function compactDisclosuresDdl(schema: string): string[] {
  const s = checkSchemaName(schema);
  return [
    `DO $do$
    BEGIN
      IF (SELECT data_type FROM information_schema.columns
           WHERE table_schema = '${s}' AND table_name = 'disclosures' AND column_name = 'hash') = 'text' THEN
        IF EXISTS (SELECT 1 FROM ${s}.disclosures WHERE hash !~ '^[0-9a-f]{64}$' OR prev_hash !~ '^[0-9a-f]{64}$') THEN
          RAISE EXCEPTION 'AUDIT.CHAIN_ALTERED: disclosure seq % has a hash that is not a SHA-256 hex digest; run audit verify and restore the chain before migrating',
            (SELECT min(seq) FROM ${s}.disclosures WHERE hash !~ '^[0-9a-f]{64}$' OR prev_hash !~ '^[0-9a-f]{64}$');
        END IF;
        EXECUTE $sql$ALTER TABLE ${s}.disclosures
          ALTER COLUMN record TYPE jsonb USING ${COMPACT_RECORD_SQL},
          ALTER COLUMN prev_hash TYPE bytea USING decode(prev_hash, 'hex'),
          ALTER COLUMN hash TYPE bytea USING decode(hash, 'hex')$sql$;
      END IF;
    END $do$`,
  ];
}

/** Migration 010_disclosures_compact (see compactDisclosuresDdl). */
export const compactDisclosuresMigration: Migration = { version: 10, name: 'disclosures_compact', up: compactDisclosuresDdl };

/**
 * Migration 002_audit: the disclosure log and officers' notes as v0.1.0 created them (IF NOT
 * EXISTS throughout, so a v0.1.0 database is adopted unchanged). The version is one of the whole
 * schema's list (@samhandling/schema).
 */
export const auditMigration: Migration = {
  version: 2,
  name: 'audit',
  up: (schema) => [...disclosureLogDdl(schema), ...auditNotesDdl(checkSchemaName(schema))],
};
