import type { SqlExecutor } from '@samhandling/event-store';
import type { DeliveredEvent } from '../cloud-event';
import type { ConsumerTables, RejectedMessage } from './consumer-tables';
import { parseDeliveredEvent } from './envelope';

/** Where a message came from; handy for a projection that wants to keep it. */
export interface MessageSource {
  topic: string;
  partition: number;
  offset: string;
}

/** A read model kept from one agency topic. */
export interface TopicProjection {
  /** Names the consumer: the key of its checkpoints and dedupe records. Renaming it starts from zero. */
  readonly name: string;
  /** Creates the projection's tables; runs at every start, in a transaction, one consumer at a time. Must be idempotent. */
  setup?(tx: SqlExecutor): Promise<void>;
  /** Applies one event, inside the batch's transaction. Throwing rolls back the whole batch. */
  apply(tx: SqlExecutor, event: DeliveredEvent, source: MessageSource): Promise<void>;
}

export interface KafkaMessageLike {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

export interface BatchOutcome {
  /** The offset after the last message handled: where the partition resumes. */
  nextOffset: number;
  applied: number;
  /** Events already applied under another offset: the relay re-delivered them. */
  duplicates: number;
  /** Messages at offsets already committed: Kafka re-delivered them. */
  replayed: number;
  rejected: RejectedMessage[];
}

/** The event and message a projection threw on; its message never quotes the event's data. */
export class ApplyFailed extends Error {
  constructor(readonly source: MessageSource, readonly eventId: string, readonly eventType: string, override readonly cause: unknown) {
    super(`apply failed on ${eventType} ${eventId} (${source.topic}/${source.partition}@${source.offset})`);
    this.name = 'ApplyFailed';
  }
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

  const valid: Array<{ event: DeliveredEvent; source: MessageSource }> = [];
  for (const m of fresh) {
    const source = { topic, partition, offset: m.offset };
    const parsed = parseDeliveredEvent(m.value);
    if (parsed.ok) {
      valid.push({ event: { ...parsed.event, id: parsed.event.id.toLowerCase() }, source });
    } else {
      const rejected = { ...source, reason: parsed.reason };
      await tables.reject(tx, projection.name, { ...rejected, key: m.key, value: m.value });
      outcome.rejected.push(rejected);
    }
  }
  // The same event twice in one batch: only its first occurrence counts.
  const seen = new Set<string>();
  const firsts = valid.filter((v) => !seen.has(v.event.id) && seen.add(v.event.id));
  const claimed = await tables.claim(tx, projection.name, topic, partition, firsts.map((v) => ({ id: v.event.id, offset: v.source.offset })));
  for (const { event, source } of firsts) {
    if (!claimed.has(event.id)) continue;
    try {
      await projection.apply(tx, event, source);
    } catch (error) {
      throw new ApplyFailed(source, event.id, event.type, error);
    }
    outcome.applied++;
  }
  outcome.duplicates = valid.length - outcome.applied;
  outcome.nextOffset = Number(fresh[fresh.length - 1].offset) + 1;
  await tables.advance(tx, projection.name, topic, partition, outcome.nextOffset);
  return outcome;
}
