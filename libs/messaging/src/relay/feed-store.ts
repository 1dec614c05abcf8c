import { checkSchemaName, withDdlLock, type SqlClient, type SqlExecutor } from '@samhandling/event-store';
import { eventType, type DeliveredEvent } from '../cloud-event';
import { redactedAgain } from './redaction';
import { feedDdl } from './feed.migration';

/** One event delivered to one agency: a row of the HTTP feed, a message on the agency's topic. */
export interface Delivery {
  agency: string;
  eventId: string;
  position: number;
  /** Message key on Kafka: one person's events stay in order on one partition. */
  subjectId: string;
  envelope: DeliveredEvent;
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
 * only what differs per delivery (owner, subject, categories, basis, disclosure id); the rest of
 * the envelope is the event itself, read back from `<schema>.events` (same schema, same store),
 * so a batch writes a fraction of the bytes. Written in the same transaction as the disclosure
 * records that cover the rows, so the feed never shows an unrecorded disclosure. `seq` follows
 * commit order (one writer at a time, under an advisory lock), so a reader paging on
 * `seq > cursor` never skips a row that commits later.
 */
export class FeedStore {
  private constructor(private readonly sql: SqlClient, private readonly schema: string) {}

  static async create(sql: SqlClient, schema = 'samhandling'): Promise<FeedStore> {
    const s = checkSchemaName(schema);
    await withDdlLock(sql, async (tx) => {
      for (const statement of feedDdl(s)) await tx.query(statement);
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
         INSERT INTO ${this.schema}.deliveries (seq, agency, event_id, position, envelope)
         SELECT (SELECT coalesce(max(seq), 0) FROM ${this.schema}.deliveries) + ord, x->>'a', (x->>'e')::uuid, (x->>'p')::bigint, x->'v'
           FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(x, ord)
         ON CONFLICT (agency, event_id) DO NOTHING
         RETURNING 1
       )
       SELECT count(*) AS n FROM inserted`,
      [JSON.stringify(deliveries.map((d) => ({ a: d.agency, e: d.eventId, p: d.position, v: perDelivery(d.envelope) })))],
    );
    return Number(rows[0].n);
  }

  /** The agency's deliveries after `after`, oldest first (`head` is asked apart: a long poll reads many empty pages). */
  async read(agency: string, after: number, limit: number): Promise<Omit<FeedPage, 'head'>> {
    const rows = await this.sql.query<FeedRow>(
      `SELECT d.seq, d.position, d.envelope, e.event_id, e.type, e.recorded_at, e.data FROM ${this.schema}.deliveries d JOIN ${this.schema}.events e ON e.position = d.position
        WHERE d.agency = $1 AND d.seq > $2 ORDER BY d.seq LIMIT $3`,
      [agency, after, limit],
    );
    return { events: rows.map(envelopeOf), nextCursor: rows.length > 0 ? Number(rows[rows.length - 1].seq) : after };
  }

  /** The cursor of the agency's newest delivery (0 before the first); one index lookup. */
  async head(agency: string): Promise<number> {
    const [{ head }] = await this.sql.query<{ head: string | number | null }>(
      `SELECT max(seq) AS head FROM ${this.schema}.deliveries WHERE agency = $1`, [agency]);
    return Number(head ?? 0);
  }
}

/** What a delivery row stores: the envelope's fields that the event alone does not give. */
type PerDelivery = Pick<DeliveredEvent, 'source' | 'subject' | 'categories' | 'basis' | 'disclosureid' | 'redacted'>;

const perDelivery = (e: DeliveredEvent): PerDelivery => ({
  source: e.source, subject: e.subject, categories: e.categories, basis: e.basis, disclosureid: e.disclosureid, ...(e.redacted ? { redacted: e.redacted } : {}),
});

interface FeedRow {
  seq: string | number;
  position: string | number;
  envelope: PerDelivery;
  event_id: string;
  type: string;
  recorded_at: Date | string;
  data: DeliveredEvent['data'];
}

/**
 * The envelope as the relay built it (delivery() in batch-plan.ts), from the row and its event.
 * Rows written before rows were slimmed hold more of the envelope; the fields read here are among them.
 * A partial delivery's row names the fields withheld: they are taken out of the event's data again.
 */
function envelopeOf(r: FeedRow): DeliveredEvent {
  const { redacted } = r.envelope;
  return {
    specversion: '1.0', id: r.event_id, source: r.envelope.source, type: eventType(r.type), subject: r.envelope.subject,
    time: new Date(r.recorded_at).toISOString(), datacontenttype: 'application/json', data: redactedAgain(r.data, r.envelope.categories, redacted),
    logposition: Number(r.position), categories: r.envelope.categories, basis: r.envelope.basis, disclosureid: r.envelope.disclosureid,
    ...(redacted ? { redacted } : {}),
  };
}
