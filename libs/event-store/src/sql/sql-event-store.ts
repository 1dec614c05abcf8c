import { randomUUID } from 'node:crypto';
import { EventIdConflictError, InvalidAppendError, WrongExpectedRevisionError } from '../errors';
import type {
  AppendResult, EventStore, ExpectedRevision, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent,
} from '../event-store.port';
import { schemaDdl, notifyChannel } from './schema';
import type { SqlClient } from './sql-client';
import { planBatch, type PendingAppend, type StoredId } from './append-plan';

export interface SqlEventStoreOptions {
  /** PostgreSQL schema holding the tables; lets tests and tenants share one database. */
  schema?: string;
  /** Most appends committed together in one transaction (group commit). */
  maxBatch?: number;
}

/**
 * An event store over PostgreSQL-compatible SQL (`pg` or PGlite).
 *
 * Lost events: with a sequence, transaction A can take position 10, B take 11 and commit first;
 * a reader that saw 11 moves its checkpoint past 10 and never sees A's event. Here every append
 * transaction takes one advisory lock before assigning positions and holds it to commit, so
 * positions are handed out in commit order and a reader's checkpoint never passes a gap that
 * fills later. Group commit keeps that lock cheap: concurrent appends queue up and the next
 * transaction commits all of them at once, one fsync for many callers.
 */
export class SqlEventStore implements EventStore {
  private readonly schema: string;
  private readonly maxBatch: number;
  private readonly queue: PendingAppend[] = [];
  private flushing = false;
  private readonly listeners = new Set<() => void>();
  private unlisten?: () => Promise<void>;

  private constructor(private readonly sql: SqlClient, options: SqlEventStoreOptions) {
    this.schema = options.schema ?? 'samhandling';
    this.maxBatch = options.maxBatch ?? 256;
  }

  static async create(sql: SqlClient, options: SqlEventStoreOptions = {}): Promise<SqlEventStore> {
    const store = new SqlEventStore(sql, options);
    await sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('samhandling-ddl'))`);
      for (const statement of schemaDdl(store.schema)) await tx.query(statement);
    });
    store.unlisten = await sql.listen(notifyChannel(store.schema), () => store.notify());
    return store;
  }

  get sqlClient(): SqlClient {
    return this.sql;
  }

  get schemaName(): string {
    return this.schema;
  }

  append(streamId: string, events: readonly NewEvent[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    const expectedRevision = options.expectedRevision ?? 'any';
    try {
      validateAppend(streamId, events, expectedRevision);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ streamId, events, expectedRevision, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        void this.flush();
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.commit(batch);
      } catch (error) {
        // One poisoned append must not fail its neighbours: retry each on its own.
        if (batch.length === 1) batch[0].reject(error);
        else for (const pending of batch) await this.commit([pending]).catch((e) => pending.reject(e));
      }
    }
    this.flushing = false;
  }

  private async commit(batch: PendingAppend[]): Promise<void> {
    const s = this.schema;
    const outcome = await this.sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`samhandling-append:${s}`]);
      const streamIds = [...new Set(batch.map((p) => p.streamId))];
      const eventIds = batch.flatMap((p) => p.events.map((e) => e.id));
      // One round trip under the lock: stream heads, already-stored ids, and the log's end.
      const rows = await tx.query<{ kind: 'head' | 'stored' | 'last'; stream_id: string | null; revision: string | number | null; position: string | number | null; event_id: string | null }>(
        `SELECT 'head' AS kind, stream_id, revision, NULL::bigint AS position, NULL::uuid AS event_id
           FROM ${s}.streams WHERE stream_id IN (SELECT jsonb_array_elements_text($1::jsonb))
         UNION ALL
         SELECT 'stored', stream_id, revision, position, event_id
           FROM ${s}.events WHERE event_id IN (SELECT jsonb_array_elements_text($2::jsonb)::uuid)
         UNION ALL
         SELECT 'last', NULL, NULL, (SELECT coalesce(max(position), 0) FROM ${s}.events), NULL`,
        [JSON.stringify(streamIds), JSON.stringify(eventIds)],
      );
      const heads = new Map<string, number>();
      const storedIds = new Map<string, StoredId>();
      let last = 0;
      for (const r of rows) {
        if (r.kind === 'head') heads.set(r.stream_id!, Number(r.revision));
        else if (r.kind === 'stored') storedIds.set(r.event_id!, { streamId: r.stream_id!, revision: Number(r.revision), position: Number(r.position) });
        else last = Number(r.position);
      }
      const plan = planBatch(batch, heads, storedIds, last);
      if (plan.rows.length > 0) {
        await tx.query(
          `INSERT INTO ${s}.events (position, event_id, stream_id, revision, type, data, metadata)
           SELECT position, event_id, stream_id, revision, type, data, metadata
             FROM jsonb_to_recordset($1::jsonb)
               AS x(position bigint, event_id uuid, stream_id text, revision bigint, type text, data jsonb, metadata jsonb)`,
          [JSON.stringify(plan.rows)],
        );
        await tx.query(
          `INSERT INTO ${s}.streams (stream_id, revision)
           SELECT stream_id, revision FROM jsonb_to_recordset($1::jsonb) AS x(stream_id text, revision bigint)
           ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision`,
          [JSON.stringify([...plan.heads].map(([stream_id, revision]) => ({ stream_id, revision })))],
        );
        await tx.query(`SELECT pg_notify($1, $2)`, [notifyChannel(s), String(plan.lastPosition)]);
      }
      return plan;
    });
    // Callers hear back only after COMMIT: an acknowledged append is durable.
    for (const settle of outcome.settlements) settle();
    if (outcome.rows.length > 0 && this.sql.dialect === 'pglite') this.notify();
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const rows = await this.sql.query<EventRow>(
      `SELECT ${COLUMNS} FROM ${this.schema}.events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
      [streamId, options.fromRevision ?? 0, options.limit ?? 1_000_000],
    );
    return rows.map(toRecorded);
  }

  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const rows = await this.sql.query<EventRow>(
      `SELECT ${COLUMNS} FROM ${this.schema}.events WHERE position > $1 ORDER BY position LIMIT $2`,
      [after, limit],
    );
    return rows.map(toRecorded);
  }

  async readEvent(eventId: string): Promise<RecordedEvent | undefined> {
    if (!UUID.test(eventId)) return undefined;
    const rows = await this.sql.query<EventRow>(`SELECT ${COLUMNS} FROM ${this.schema}.events WHERE event_id = $1`, [eventId]);
    return rows[0] && toRecorded(rows[0]);
  }

  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  async close(): Promise<void> {
    while (this.flushing) await new Promise((r) => setTimeout(r, 5));
    await this.unlisten?.();
    this.listeners.clear();
    await this.sql.close();
  }
}

const COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata, recorded_at';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface EventRow {
  position: string | number;
  event_id: string;
  stream_id: string;
  revision: string | number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date | string;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: Number(row.position),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: new Date(row.recorded_at).toISOString(),
  };
}

function validateAppend(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): void {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > 200) {
    throw new InvalidAppendError('Stream id must be a non-empty string of at most 200 characters');
  }
  if (!Array.isArray(events) || events.length === 0) throw new InvalidAppendError('An append needs at least one event');
  if (!(expected === 'any' || expected === 'no_stream' || (Number.isSafeInteger(expected) && expected >= 0))) {
    throw new InvalidAppendError(`Expected revision must be 'any', 'no_stream' or a revision >= 0, got ${JSON.stringify(expected)}`);
  }
  const seen = new Set<string>();
  for (const event of events) {
    if (!UUID.test(event.id)) throw new InvalidAppendError(`Event id must be a UUID, got ${JSON.stringify(event.id)}`);
    if (seen.has(event.id.toLowerCase())) throw new InvalidAppendError(`Event id ${event.id} appears twice in one append`);
    seen.add(event.id.toLowerCase());
    if (typeof event.type !== 'string' || event.type.length === 0) throw new InvalidAppendError('Event type must be a non-empty string');
    if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
      throw new InvalidAppendError(`Event ${event.type} data must be a JSON object`);
    }
  }
}

export const newEventId = (): string => randomUUID();
