import { checkSchemaName, withDdlLock, type SqlClient, type SqlExecutor } from '@samhandling/event-store';
import type { DeliveredEvent } from '../cloud-event';
import { envelopeOf, type FeedMeta } from './feed-row';
import { compactFeedDdl, feedDdl } from './feed.migration';

/** One event delivered to one agency: a row of the HTTP feed, a message on the agency's topic. */
export interface Delivery {
  agency: string;
  eventId: string;
  position: number;
  /** Message key on Kafka: one person's events stay in order on one partition. */
  subjectId: string;
  envelope: DeliveredEvent;
  /** What the feed row keeps of the envelope beside the event (feed-row.ts). */
  stored: FeedMeta;
  /** The W3C trace context of the delivery (Kafka header `traceparent`); not stored in the feed. */
  traceparent?: string;
}

export interface FeedPage {
  events: DeliveredEvent[];
  /** Pass as `after` to read on; equals the `after` given when the page is empty. */
  nextCursor: number;
  /**
   * The cursor of the agency's newest delivery when the page was read: a reader is caught up when
   * nextCursor reaches it, and nextCursor / head is how far a replay from 0 has come. Cursors are
   * ordered, not dense (they count every agency's deliveries).
   */
  head: number;
}

/**
 * `<schema>.deliveries`: what the relay delivered to each agency, in delivery order. A row keeps
 * only what the event does not give (feed-row.ts: categories, and basis, subject or source where
 * they differ from the event's; the disclosure id); the rest of the envelope is the event itself,
 * read back from `<schema>.events` by position (same schema, same store). Written in the same
 * transaction as the disclosure records that cover the rows, so the feed never shows an
 * unrecorded disclosure. `seq` follows commit order (drawn from a sequence by one writer at a
 * time, under an advisory lock), so a reader paging on `seq > cursor` never skips a row that
 * commits later.
 */
export class FeedStore {
  private constructor(private readonly sql: SqlClient, private readonly schema: string) {}

  static async create(sql: SqlClient, schema = 'samhandling'): Promise<FeedStore> {
    const s = checkSchemaName(schema);
    await withDdlLock(sql, async (tx) => {
      for (const statement of [...feedDdl(s), ...compactFeedDdl(s)]) await tx.query(statement);
    });
    return new FeedStore(sql, s);
  }

  /** Over a schema the migrations made (the apps' start path): no DDL. */
  static attach(sql: SqlClient, schema = 'samhandling'): FeedStore {
    return new FeedStore(sql, checkSchemaName(schema));
  }

  /** Adds the rows not yet there (a re-run batch adds nothing twice); returns how many were new. */
  async insert(deliveries: readonly Delivery[], tx: SqlExecutor): Promise<number> {
    if (deliveries.length === 0) return 0;
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`samhandling-deliveries:${this.schema}`]);
    // A row already there (a batch re-run after a crash) is skipped by the unique key, which
    // leaves its seq unused: cursors need order, not density.
    const rows = await tx.query<{ n: string | number }>(
      `WITH inserted AS (
         INSERT INTO ${this.schema}.deliveries (agency, seq, position, disclosure_id, meta)
         SELECT a, nextval('${this.schema}.deliveries_seq'), p, d, m
           FROM (SELECT x->>'a' AS a, (x->>'p')::bigint AS p, nullif(x->>'d', '')::uuid AS d, x->'m' AS m
                   FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(x, ord) ORDER BY ord) batch
         ON CONFLICT (agency, position) DO NOTHING
         RETURNING 1
       )
       SELECT count(*) AS n FROM inserted`,
      [JSON.stringify(deliveries.map((d) => ({ a: d.agency, p: d.position, d: d.envelope.disclosureid, m: d.stored })))],
    );
    return Number(rows[0].n);
  }

  /** The agency's deliveries after `after`, oldest first (`head` is asked apart: a long poll reads many empty pages). */
  async read(agency: string, after: number, limit: number): Promise<Omit<FeedPage, 'head'>> {
    const rows = await this.sql.query<FeedRow>(
      `SELECT d.seq, d.position, d.disclosure_id, d.meta, e.event_id, e.type, e.recorded_at, e.data, e.metadata
         FROM ${this.schema}.deliveries d JOIN ${this.schema}.events e ON e.position = d.position
        WHERE d.agency = $1 AND d.seq > $2 ORDER BY d.seq LIMIT $3`,
      [agency, after, limit],
    );
    const events = rows.map((r) => envelopeOf({
      position: Number(r.position), disclosureId: r.disclosure_id, meta: r.meta,
      event: { id: r.event_id, type: r.type, recordedAt: new Date(r.recorded_at).toISOString(), data: r.data, metadata: r.metadata },
    }));
    return { events, nextCursor: rows.length > 0 ? Number(rows[rows.length - 1].seq) : after };
  }

  /** The cursor of the agency's newest delivery (0 before the first); one index lookup. */
  async head(agency: string): Promise<number> {
    const [{ head }] = await this.sql.query<{ head: string | number | null }>(
      `SELECT max(seq) AS head FROM ${this.schema}.deliveries WHERE agency = $1`, [agency]);
    return Number(head ?? 0);
  }
}

interface FeedRow {
  seq: string | number;
  position: string | number;
  disclosure_id: string | null;
  meta: FeedMeta;
  event_id: string;
  type: string;
  recorded_at: Date | string;
  data: DeliveredEvent['data'];
  metadata: Record<string, unknown>;
}
