import { checkSchemaName, type SqlExecutor } from '../sql';

/** The offsets row of the HTTP feed: topic `feed`, partition 0, next_offset the cursor to read after. */
export const FEED_TOPIC = 'feed';

/** A message the consumer could not read as a delivered event, kept for repair instead of applied. */
export interface RejectedMessage {
  topic: string;
  partition: number;
  offset: string;
  reason: string;
}

/**
 * The consumer's own bookkeeping, in the integrator's database next to the projection so that one
 * transaction covers both:
 * - `samhandling_consumer_offsets`: per (consumer, topic, partition) the next Kafka offset to apply;
 *   the HTTP feed's position is the row (consumer, 'feed', 0), its next_offset the feed cursor;
 * - `samhandling_processed_events`: every event id a consumer applied (the dedupe key);
 * - `samhandling_rejected_messages`: malformed messages, with their raw value. That value may hold
 *   personal data: the table needs the same protection as the projection itself.
 */
export class ConsumerTables {
  readonly schema: string;
  readonly offsets: string;
  readonly processed: string;
  readonly rejected: string;

  constructor(schema: string) {
    this.schema = checkSchemaName(schema);
    this.offsets = `${schema}.samhandling_consumer_offsets`;
    this.processed = `${schema}.samhandling_processed_events`;
    this.rejected = `${schema}.samhandling_rejected_messages`;
  }

  async ensure(tx: SqlExecutor): Promise<void> {
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${this.offsets} (
      consumer text NOT NULL, topic text NOT NULL, partition integer NOT NULL,
      next_offset bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, topic, partition))`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${this.processed} (
      consumer text NOT NULL, event_id uuid NOT NULL,
      topic text NOT NULL, partition integer NOT NULL, kafka_offset bigint NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id))`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${this.rejected} (
      consumer text NOT NULL, topic text NOT NULL, partition integer NOT NULL, kafka_offset bigint NOT NULL,
      reason text NOT NULL, message_key bytea, message_value bytea,
      rejected_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, topic, partition, kafka_offset))`);
  }

  /** Copies another schema's positions of the Kafka topics (not the feed's) over these: a rebuild's swap. */
  async copyKafkaPositions(tx: SqlExecutor, from: ConsumerTables, consumer: string): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.offsets} (consumer, topic, partition, next_offset)
       SELECT consumer, topic, partition, next_offset FROM ${from.offsets} WHERE consumer = $1 AND topic <> $2
       ON CONFLICT (consumer, topic, partition) DO UPDATE SET next_offset = excluded.next_offset, updated_at = now()`,
      [consumer, FEED_TOPIC]);
  }

  /** The next offset to apply per partition, as committed. */
  async positions(sql: SqlExecutor, consumer: string, topic: string): Promise<Map<number, number>> {
    const rows = await sql.query<{ partition: number; next_offset: string }>(
      `SELECT partition, next_offset FROM ${this.offsets} WHERE consumer = $1 AND topic = $2`, [consumer, topic]);
    return new Map(rows.map((r) => [Number(r.partition), Number(r.next_offset)]));
  }

  /**
   * Locks the partition's row for the rest of the transaction and returns its next offset. Two
   * members of a group briefly owning the same partition (a rebalance) thus apply one after the
   * other, and the second sees what the first committed.
   */
  async lockPartition(tx: SqlExecutor, consumer: string, topic: string, partition: number): Promise<number> {
    await tx.query(`INSERT INTO ${this.offsets} (consumer, topic, partition, next_offset) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING`, [consumer, topic, partition]);
    const [row] = await tx.query<{ next_offset: string }>(
      `SELECT next_offset FROM ${this.offsets} WHERE consumer = $1 AND topic = $2 AND partition = $3 FOR UPDATE`, [consumer, topic, partition]);
    return Number(row.next_offset);
  }

  async advance(tx: SqlExecutor, consumer: string, topic: string, partition: number, nextOffset: number): Promise<void> {
    await tx.query(`UPDATE ${this.offsets} SET next_offset = $4, updated_at = now() WHERE consumer = $1 AND topic = $2 AND partition = $3`,
      [consumer, topic, partition, nextOffset]);
  }

  /** Records the event ids as processed; returns those that were not yet (the ones to apply). */
  async claim(tx: SqlExecutor, consumer: string, topic: string, partition: number, events: ReadonlyArray<{ id: string; offset: string }>): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const rows = await tx.query<{ event_id: string }>(
      `INSERT INTO ${this.processed} (consumer, event_id, topic, partition, kafka_offset)
       SELECT $1, e.id, $2, $3, e.off FROM unnest($4::uuid[], $5::bigint[]) AS e(id, off)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, topic, partition, events.map((e) => e.id), events.map((e) => e.offset)]);
    return new Set(rows.map((r) => String(r.event_id).toLowerCase()));
  }

  async reject(tx: SqlExecutor, consumer: string, message: RejectedMessage & { key: Buffer | null; value: Buffer | null }): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.rejected} (consumer, topic, partition, kafka_offset, reason, message_key, message_value)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [consumer, message.topic, message.partition, message.offset, message.reason, message.key, message.value]);
  }
}
