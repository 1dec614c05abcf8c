import type { SqlExecutor } from '@samhandling/event-store';

/**
 * Officers' notes about disclosures: break-glass reviews and notice postponements. They are
 * append-only — a trigger refuses UPDATE, DELETE and TRUNCATE, so the application (or anyone
 * with its database role) cannot rewrite a review or quietly lift a postponement; a changed
 * decision is a new entry. We chose a trigger over a second hash chain because these notes
 * are few, each points to the disclosure (and, for reviews, the hash) it is about, and the
 * disclosure chain is the part that has to be provable to outsiders. A database superuser can
 * still drop the trigger; chaining the notes too would make that evident (left open).
 */
export async function createAuditNotesSchema(tx: SqlExecutor, s: string): Promise<void> {
  for (const statement of auditNotesDdl(s)) await tx.query(statement);
}

/** The statements, shared with migration 002_audit (audit.migration.ts). */
export function auditNotesDdl(s: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.disclosure_reviews (
    disclosure_id   uuid        PRIMARY KEY REFERENCES ${s}.disclosures (id),
    disclosure_hash text        NOT NULL,
    decision        text        NOT NULL CHECK (decision IN ('approved', 'flagged')),
    comment         text,
    reviewer_agency text        NOT NULL,
    reviewer_actor  text        NOT NULL,
    reviewed_at     timestamptz NOT NULL,
    CHECK (decision = 'approved' OR comment IS NOT NULL)
  )`,
    `CREATE TABLE IF NOT EXISTS ${s}.notice_postponements (
    id                  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    disclosure_id       uuid        NOT NULL REFERENCES ${s}.disclosures (id),
    reason              text        NOT NULL,
    visible_from        timestamptz NOT NULL,
    postponed_by_agency text        NOT NULL,
    postponed_by_actor  text        NOT NULL,
    recorded_at         timestamptz NOT NULL
  )`,
    `CREATE INDEX IF NOT EXISTS notice_postponements_disclosure ON ${s}.notice_postponements (disclosure_id, id)`,
    `CREATE OR REPLACE FUNCTION ${s}.refuse_audit_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'AUDIT.APPEND_ONLY: % is append-only; record a new entry instead', TG_TABLE_NAME;
    END $$`,
    ...['disclosure_reviews', 'notice_postponements'].flatMap((table) => [
      `CREATE OR REPLACE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${s}.${table}
      FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_audit_note_change()`,
      `CREATE OR REPLACE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${s}.${table}
      FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_audit_note_change()`,
    ]),
  ];
}
