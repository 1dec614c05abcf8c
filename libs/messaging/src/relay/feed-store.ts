import { checkSchemaName, type SqlClient, type SqlExecutor } from '@samhandling/event-store';
import type { DeliveredEvent } from '../cloud-event';

/** One event delivered to one agency: a row of the HTTP feed, a message on the agency's topic. */
export interface Delivery {
  agency: string;
  eventId: string;
  position: number;
  /** Message key on Kafka: one person's events stay in order on one partition. */
  subjectId: string;
  envelope: DeliveredEvent;
}

export interface FeedPage {
  events: DeliveredEvent[];
  /** Pass as `after` to read on; equals the `after` given when the page is empty. */
  nextCursor: number;
}

/**
 * `<schema>.deliveries`: what the relay delivered to each agency, in delivery order (the envelope
 * without the event's data, which is read from `<schema>.events`: same schema, same store). Written in
 * the same transaction as the disclosure records that cover the rows, so the feed never shows
 * an unrecorded disclosure. `seq` is dense and follows commit order (one writer at a time, under
 * an advisory lock), so a reader paging on `seq > cursor` never skips a row that commits later.
 */
export class FeedStore {
  private constructor(private readonly sql: SqlClient, private readonly schema: string) {}

  static async create(sql: SqlClient, schema = 'samhandling'): Promise<FeedStore> {
    const s = checkSchemaName(schema);
    await sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('samhandling-ddl'))`);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await tx.query(`CREATE TABLE IF NOT EXISTS ${s}.deliveries (
        seq       bigint      PRIMARY KEY,
        agency    text        NOT NULL,
        event_id  uuid        NOT NULL,
        position  bigint      NOT NULL,
        envelope  jsonb       NOT NULL,
        delivered_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (agency, event_id)
      )`);
      await tx.query(`CREATE INDEX IF NOT EXISTS deliveries_agency_seq ON ${s}.deliveries (agency, seq)`);
    });
    return new FeedStore(sql, s);
  }

  /** Adds the rows not yet there (a re-run batch adds nothing twice); returns how many were new. */
  async insert(deliveries: readonly Delivery[], tx: SqlExecutor): Promise<number> {
    if (deliveries.length === 0) return 0;
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`samhandling-deliveries:${this.schema}`]);
    const rows = await tx.query<{ n: string | number }>(
      `WITH input AS (
         SELECT ord, x->>'a' AS agency, (x->>'e')::uuid AS event_id, (x->>'p')::bigint AS position, x->'v' AS envelope
           FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(x, ord)
       ), fresh AS (
         SELECT * FROM input i
          WHERE NOT EXISTS (SELECT 1 FROM ${this.schema}.deliveries d WHERE d.agency = i.agency AND d.event_id = i.event_id)
       ), inserted AS (
         INSERT INTO ${this.schema}.deliveries (seq, agency, event_id, position, envelope)
         SELECT (SELECT coalesce(max(seq), 0) FROM ${this.schema}.deliveries) + row_number() OVER (ORDER BY ord),
                agency, event_id, position, envelope
           FROM fresh
         ON CONFLICT (agency, event_id) DO NOTHING
         RETURNING 1
       )
       SELECT count(*) AS n FROM inserted`,
      // The event's data stays in the log (immutable) and is joined back on read: each row keeps
      // only what differs per recipient, which halves what a batch writes.
      [JSON.stringify(deliveries.map((d) => ({ a: d.agency, e: d.eventId, p: d.position, v: { ...d.envelope, data: undefined } })))],
    );
    return Number(rows[0].n);
  }

  /** The agency's deliveries after `after`, oldest first. */
  async read(agency: string, after: number, limit: number): Promise<FeedPage> {
    const rows = await this.sql.query<{ seq: string | number; envelope: Omit<DeliveredEvent, 'data'>; data: DeliveredEvent['data'] }>(
      `SELECT d.seq, d.envelope, e.data FROM ${this.schema}.deliveries d JOIN ${this.schema}.events e ON e.position = d.position
        WHERE d.agency = $1 AND d.seq > $2 ORDER BY d.seq LIMIT $3`,
      [agency, after, limit],
    );
    return { events: rows.map((r) => ({ ...r.envelope, data: r.data })), nextCursor: rows.length > 0 ? Number(rows[rows.length - 1].seq) : after };
  }
}
