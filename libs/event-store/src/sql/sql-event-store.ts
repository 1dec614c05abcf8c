import { SpanStatusCode, trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { EventIdConflictError, WrongExpectedRevisionError } from '../errors';
import type {
  AppendResult, EventStore, ExpectedRevision, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent,
} from '../event-store.port';
import type { AppendObserver, AppendOutcome, EventCodec, PendingAppend, SqlEventStoreOptions } from './append-group';
import { COLUMNS, toRecorded, UNIQUE_VIOLATION, UUID, validateAppend, type EventRow } from './event-rows';
import { schemaDdl, notifyChannel } from './schema';
import { withDdlLock, type SqlClient } from './sql-client';

export type { AppendObserver, EventCodec, SqlEventStoreOptions } from './append-group';

/**
 * An event store over PostgreSQL-compatible SQL (`pg` or PGlite).
 *
 * Lost events: with a sequence, transaction A can take position 10, B take 11 and commit first;
 * a reader that saw 11 moves its checkpoint past 10 and never sees A's event. Here every append
 * transaction takes one advisory lock before assigning positions and holds it to commit, so
 * positions are handed out in commit order and a reader's checkpoint never passes a gap that
 * fills later. Group commit keeps that lock cheap: concurrent appends queue up and the next
 * transaction commits all of them at once, one round trip and one fsync for many callers.
 */
export class SqlEventStore implements EventStore {
  private readonly schema: string;
  private readonly maxBatch: number;
  private readonly queue: PendingAppend[] = [];
  private flushing = false;
  private readonly listeners = new Set<() => void>();
  private unlisten?: () => Promise<void>;
  private observers: AppendObserver[] = [];
  private codec?: EventCodec;

  private constructor(private readonly sql: SqlClient, options: SqlEventStoreOptions) {
    this.schema = options.schema ?? 'samhandling';
    this.maxBatch = options.maxBatch ?? 256;
  }

  static async create(sql: SqlClient, options: SqlEventStoreOptions = {}): Promise<SqlEventStore> {
    const store = new SqlEventStore(sql, options);
    if (options.createSchema ?? true) {
      await withDdlLock(sql, async (tx) => {
        for (const statement of schemaDdl(store.schema)) await tx.query(statement);
      });
    }
    store.unlisten = await sql.listen(notifyChannel(store.schema), () => store.notify());
    return store;
  }

  get sqlClient(): SqlClient {
    return this.sql;
  }

  get schemaName(): string {
    return this.schema;
  }

  /**
   * Every append from now on goes through `codec` before it is stored (the apps set the personal
   * data codec right after opening the store, before anything appends). Reads are not decoded:
   * what leaves the store is what was stored.
   */
  encodeWith(codec: EventCodec): void {
    this.codec = codec;
  }

  append(streamId: string, events: readonly NewEvent[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    const expectedRevision = options.expectedRevision ?? 'any';
    try {
      validateAppend(streamId, events, expectedRevision);
    } catch (error) {
      return Promise.reject(error);
    }
    const codec = this.codec;
    if (codec) return codec.encode(streamId, events).then((encoded) => this.enqueue(streamId, encoded, expectedRevision));
    return this.enqueue(streamId, events, expectedRevision);
  }

  private enqueue(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    // A span per append, from the call to its commit (group commit included); no stream id: it names a person.
    const span = trace.getTracer('samhandling').startSpan('eventstore.append', { attributes: { 'samhandling.events': events.length } });
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({
        streamId, events, expectedRevision,
        resolve: (result) => { span.setAttribute('samhandling.position', result.position); span.end(); resolve(result); },
        reject: (error) => { span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.constructor?.name ?? 'Error' }); span.end(); reject(error); },
      });
      if (!this.flushing) {
        this.flushing = true;
        void this.flush();
      }
    });
  }

  private async flush(): Promise<void> {
    for (;;) {
      // One macrotask first: callers settled by the previous commit (and appends made in the same
      // tick as this one) queue up again before the group is taken, so groups fill up.
      await new Promise(setImmediate);
      if (this.queue.length === 0) break;
      const batch = this.queue.splice(0, this.maxBatch);
      const started = process.hrtime.bigint();
      try {
        await this.commit(batch);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        for (const observer of this.observers) observer.committed(batch.length, seconds);
      } catch (error) {
        // One poisoned append must not fail its neighbours: retry each on its own.
        if (batch.length === 1) batch[0].reject(error);
        else for (const pending of batch) await this.commit([pending]).catch((e) => pending.reject(e));
      }
    }
    this.flushing = false;
  }

  /**
   * Commits a group with one statement, `append_batch` (schema.ts), which locks, decides each
   * append, inserts, NOTIFYs and answers per append. Sent on its own it is its own transaction:
   * the query resolves only after COMMIT, so callers hear back only about durable appends.
   */
  private async commit(batch: PendingAppend[]): Promise<void> {
    const input = batch.map((p) => ({
      s: p.streamId,
      e: p.expectedRevision === 'any' ? undefined : p.expectedRevision === 'no_stream' ? -1 : p.expectedRevision,
      ev: p.events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata ?? {} })),
    }));
    const appends = JSON.stringify(input);
    const call = (careful: boolean) =>
      this.sql.query<{ outcomes: AppendOutcome[] }>(`SELECT ${this.schema}.append_batch($1::jsonb, $2) AS outcomes`, [appends, careful], { prepared: true });
    // The fast path leaves a repeated event id to the unique index; such a call wrote nothing.
    const [row] = await call(false).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) return call(true);
      throw error;
    });
    // Never leave a caller unanswered; the retry alone replays whatever did commit.
    if (row?.outcomes?.length !== batch.length) throw new Error(`append_batch answered ${row?.outcomes?.length} outcomes for ${batch.length} appends`);
    let appended = false;
    row.outcomes.forEach((outcome, i) => {
      const pending = batch[i];
      switch (outcome.status) {
        case 'ok':
          appended = true;
          return pending.resolve({ nextRevision: outcome.nextRevision, position: outcome.position });
        case 'replay':
          return pending.resolve({ nextRevision: outcome.nextRevision, position: outcome.position });
        case 'wrong_revision':
          return pending.reject(new WrongExpectedRevisionError(pending.streamId, pending.expectedRevision, outcome.actual));
        case 'id_conflict':
          return pending.reject(new EventIdConflictError(outcome.message));
      }
    });
    if (appended && this.sql.dialect === 'pglite') this.notify();
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

  /** Adds an observer of group commits; returns its removal. */
  observeAppends(observer: AppendObserver): () => void {
    this.observers.push(observer);
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /** The position of the last event in the log (0 when it is empty). */
  async headPosition(): Promise<number> {
    const rows = await this.sql.query<{ head: string | number }>(`SELECT coalesce(max(position), 0) AS head FROM ${this.schema}.events`);
    return Number(rows[0].head);
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

export const newEventId = (): string => randomUUID();
