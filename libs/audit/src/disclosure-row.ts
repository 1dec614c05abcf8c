import type { Disclosure } from './disclosure';

/**
 * How a disclosure is kept in a row of `<schema>.disclosures` (migration 010): the fields the row
 * already holds in columns of their own — id, subject, recipient agency, occurred-at — are left
 * out of the `record` jsonb and put back on read, and the chain's hashes are 32 bytes (bytea)
 * rather than 64 hex characters. At 100k events that took the table from 1.78× to 1.36× the
 * events table (bench/scale). The hash covers the whole disclosure as it was recorded, so a field
 * is left out only when its column gives it back exactly; a record whose value would not round-trip
 * (an occurred-at without milliseconds, an id not in lowercase) keeps it in the jsonb, and on read
 * the jsonb's own value wins. Altering a column therefore breaks the chain just as altering the
 * jsonb does.
 */

/** The columns of a row a disclosure is rebuilt from. */
export interface DisclosureRow {
  id: string;
  subject_id: string;
  recipient: string;
  occurred_at: Date | string;
  record: StoredRecord;
}

export type StoredRecord = Partial<Omit<Disclosure, 'recipient'>> & { recipient?: Partial<Disclosure['recipient']> };

const LOWERCASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The jsonb a disclosure is stored as, beside its columns. */
export function storedRecord(d: Disclosure): StoredRecord {
  const { id, subjectId: _subjectId, occurredAt, recipient, ...rest } = d;
  const stored: StoredRecord = rest;
  if (!LOWERCASE_UUID.test(id)) stored.id = id;
  if (!roundTrips(occurredAt)) stored.occurredAt = occurredAt;
  const { agency: _agency, ...otherRecipient } = recipient;
  if (Object.keys(otherRecipient).length > 0) stored.recipient = otherRecipient;
  return stored;
}

/** The disclosure a row holds: its columns, with anything the jsonb kept itself taking precedence. */
export function disclosureFromRow(row: DisclosureRow): Disclosure {
  const { recipient, ...record } = row.record;
  return {
    id: row.id, occurredAt: iso(row.occurred_at), subjectId: row.subject_id,
    ...record,
    recipient: { agency: row.recipient, ...recipient },
  } as Disclosure;
}

/** Whether a timestamp comes back from a timestamptz column as the same string. */
const roundTrips = (t: string) => {
  const parsed = new Date(t);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === t;
};

const iso = (t: Date | string) => new Date(t).toISOString();

/**
 * Migration 010's rewrite of rows written before it, as SQL for `ALTER TABLE … USING` (a table
 * rewrite fires no row trigger, so the append-only trigger stays on): the same rules as
 * storedRecord, checked against each row's own columns.
 */
export const COMPACT_RECORD_SQL = `(record
     - (CASE WHEN record ->> 'id' = id::text THEN 'id' ELSE '' END)
     - (CASE WHEN record ->> 'subjectId' = subject_id THEN 'subjectId' ELSE '' END)
     - (CASE WHEN record ->> 'occurredAt' = to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') THEN 'occurredAt' ELSE '' END)
     - (CASE WHEN record -> 'recipient' ->> 'agency' = recipient AND record -> 'recipient' = jsonb_build_object('agency', recipient) THEN 'recipient' ELSE '' END))
   || (CASE WHEN record -> 'recipient' ->> 'agency' = recipient AND record -> 'recipient' <> jsonb_build_object('agency', recipient)
            THEN jsonb_build_object('recipient', (record -> 'recipient') - 'agency') ELSE '{}'::jsonb END)`;
