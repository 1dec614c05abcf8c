import { domainType, type AgencyEvent, type SqlExecutor, type TopicProjection } from '@samhandling/agency-kit';

/**
 * The agency's own tables, kept from what Samhandling delivers to it:
 * - `contacts`: one row per contact the agency may see (its own, and others' it is entitled to);
 * - `people`: per person, how many events arrived and the latest one — a counter, so it is right
 *   only if every event is applied exactly once, which the kit guarantees.
 * Table names are unqualified: the kit puts the projection's schema first on the search_path, so a
 * rebuild fills the same tables in a fresh schema and swaps it in.
 */
export const agencyTables: TopicProjection = {
  name: 'agency-tables',
  async setup(tx) {
    await tx.query(`CREATE TABLE IF NOT EXISTS contacts (
      contact_id uuid PRIMARY KEY, subject_id uuid NOT NULL, recorded_by text NOT NULL, occurred_at timestamptz NOT NULL,
      channel text NOT NULL, categories text[] NOT NULL, summary text, concerns text[], basis text[] NOT NULL, event_id uuid NOT NULL)`);
    await tx.query(`CREATE TABLE IF NOT EXISTS people (
      subject_id uuid PRIMARY KEY, events_received integer NOT NULL, last_event_type text NOT NULL, last_event_at timestamptz NOT NULL)`);
  },
  async apply(tx: SqlExecutor, event: AgencyEvent) {
    await tx.query(
      `INSERT INTO people AS p (subject_id, events_received, last_event_type, last_event_at) VALUES ($1, 1, $2, $3)
       ON CONFLICT (subject_id) DO UPDATE SET events_received = p.events_received + 1, last_event_type = EXCLUDED.last_event_type, last_event_at = EXCLUDED.last_event_at`,
      [event.subject, domainType(event), event.time]);
    // The type narrows the event: event.data is a ContactRecordedData here, checked by the compiler.
    if (event.type !== 'no.samhandling.ContactRecorded.v1') return;
    const c = event.data;
    // A plain INSERT: applying a contact twice would fail on the primary key, not hide.
    await tx.query(
      `INSERT INTO contacts (contact_id, subject_id, recorded_by, occurred_at, channel, categories, summary, concerns, basis, event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [c.contactId, c.subjectId, c.agency, c.occurredAt, c.channel, c.categories, c.summary ?? null, c.concerns ?? null, event.basis, event.id]);
  },
};
