import type { FeedPage } from '../client/feed-client';
import type { AgencyEvent } from '../contract';
import type { SqlExecutor } from '../sql';
import { FEED_TOPIC as FEED, type ConsumerTables, type RejectedMessage } from './consumer-tables';
import { parseDeliveredEvent } from './envelope';

/** Where a message came from: a Kafka topic, partition and offset, or the feed (`feed`, 0, the page's cursor). */
export interface MessagePosition {
  topic: string;
  partition: number;
  offset: string;
}

/** What a projection is told besides the event: where its tables are and where the event came from. */
export interface ProjectionContext {
  /** The schema the projection's tables live in; also first on the search_path, so unqualified names land there. */
  schema: string;
  position: MessagePosition;
}

/** A read model an agency keeps from its events, in its own database. */
export interface TopicProjection {
  /** Names the consumer: the key of its checkpoints and dedupe records. Renaming it starts from zero. */
  readonly name: string;
  /**
   * Creates the projection's tables; runs at every start (and in the fresh schema of a rebuild), in a
   * transaction, one consumer at a time. Must be idempotent. Use unqualified table names (or
   * `ctx.schema`) so that a rebuild can build the same tables beside the live ones.
   */
  setup?(tx: SqlExecutor, ctx: { schema: string }): Promise<void>;
  /** Applies one event, inside the batch's transaction. Throwing rolls back the whole batch. */
  apply(tx: SqlExecutor, event: AgencyEvent, ctx: ProjectionContext): Promise<void>;
}

export interface KafkaMessageLike {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

export interface BatchOutcome {
  /** The position after the last message handled: where the partition (or feed) resumes. */
  nextOffset: number;
  applied: number;
  /** Events already applied under another offset: the relay re-delivered them, or they came by the other source. */
  duplicates: number;
  /** Messages at offsets already committed: Kafka re-delivered them. */
  replayed: number;
  rejected: RejectedMessage[];
}

/** The event and message a projection threw on; its message never quotes the event's data. */
export class ApplyFailed extends Error {
  constructor(readonly position: MessagePosition, readonly eventId: string, readonly eventType: string, override readonly cause: unknown) {
    super(`apply failed on ${eventType} ${eventId} (${position.topic}/${position.partition}@${position.offset})`);
    this.name = 'ApplyFailed';
  }
}

type Parsed = { event: AgencyEvent; position: MessagePosition };

/**
 * Applies the events not yet processed, in order, each once: the first occurrence of an id counts,
 * and an id the dedupe table already holds (from either source) is skipped.
 */
async function applyNew(tx: SqlExecutor, tables: ConsumerTables, projection: TopicProjection, valid: readonly Parsed[], outcome: BatchOutcome): Promise<void> {
  const seen = new Set<string>();
  const firsts = valid.filter((v) => !seen.has(v.event.id) && seen.add(v.event.id));
  const claimed = firsts.length === 0 ? new Set<string>() : await tables.claim(tx, projection.name, firsts[0].position.topic, firsts[0].position.partition,
    firsts.map((v) => ({ id: v.event.id, offset: v.position.offset })));
  for (const { event, position } of firsts) {
    if (!claimed.has(event.id)) continue;
    try {
      await projection.apply(tx, event, { schema: tables.schema, position });
    } catch (error) {
      throw new ApplyFailed(position, event.id, event.type, error);
    }
    outcome.applied++;
  }
  outcome.duplicates = valid.length - outcome.applied;
}

/**
 * One partition's batch, in the caller's transaction: skips offsets the partition's checkpoint
 * already covers and event ids already processed, records malformed messages as rejected, applies
 * the rest in offset order and moves the checkpoint past the batch. All of it commits or none.
 */
export async function applyMessages(
  tx: SqlExecutor, tables: ConsumerTables, projection: TopicProjection, topic: string, partition: number, messages: readonly KafkaMessageLike[],
): Promise<BatchOutcome> {
  const committed = await tables.lockPartition(tx, projection.name, topic, partition);
  const fresh = messages.filter((m) => Number(m.offset) >= committed);
  const outcome: BatchOutcome = { nextOffset: committed, applied: 0, duplicates: 0, replayed: messages.length - fresh.length, rejected: [] };
  if (fresh.length === 0) return outcome;
  const valid: Parsed[] = [];
  for (const m of fresh) {
    const position = { topic, partition, offset: m.offset };
    const parsed = parseDeliveredEvent(m.value);
    if (parsed.ok) {
      valid.push({ event: parsed.event, position });
    } else {
      const rejected = { ...position, reason: parsed.reason };
      await tables.reject(tx, projection.name, { ...rejected, key: m.key, value: m.value });
      outcome.rejected.push(rejected);
    }
  }
  await applyNew(tx, tables, projection, valid, outcome);
  outcome.nextOffset = Number(fresh[fresh.length - 1].offset) + 1;
  await tables.advance(tx, projection.name, topic, partition, outcome.nextOffset);
  return outcome;
}

/**
 * One feed page, in the caller's transaction, exactly once: only if the stored cursor is still the
 * page's `after` (another instance may have applied it: then nothing happens and `undefined` says
 * to read again from the stored cursor). Malformed events are kept as rejected, as on Kafka.
 */
export async function applyFeedPage(tx: SqlExecutor, tables: ConsumerTables, projection: TopicProjection, page: Omit<FeedPage, 'head'>): Promise<BatchOutcome | undefined> {
  const committed = await tables.lockPartition(tx, projection.name, FEED, 0);
  if (committed !== page.after) return undefined;
  const outcome: BatchOutcome = { nextOffset: page.nextCursor, applied: 0, duplicates: 0, replayed: 0, rejected: [] };
  const position = { topic: FEED, partition: 0, offset: String(page.nextCursor) };
  const valid: Parsed[] = [];
  for (const [i, value] of page.events.entries()) {
    const parsed = parseDeliveredEvent(value as object);
    if (parsed.ok) {
      valid.push({ event: parsed.event, position });
    } else {
      // The feed gives no cursor per event, but a page's cursors are distinct and within (after, nextCursor]:
      // after + 1 + i is a key of its own for each rejected event, on this page and across pages.
      const rejected = { topic: FEED, partition: 0, offset: String(page.after + 1 + i), reason: parsed.reason };
      await tables.reject(tx, projection.name, { ...rejected, key: null, value: Buffer.from(JSON.stringify(value ?? null)) });
      outcome.rejected.push(rejected);
    }
  }
  await applyNew(tx, tables, projection, valid, outcome);
  await tables.advance(tx, projection.name, FEED, 0, page.nextCursor);
  return outcome;
}
