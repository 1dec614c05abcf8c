import type { AppendResult, ExpectedRevision, NewEvent } from '../event-store.port';

/** How a SqlEventStore is opened, and what its group commit queues and answers. */
export interface SqlEventStoreOptions {
  /** PostgreSQL schema holding the tables; lets tests and tenants share one database. */
  schema?: string;
  /** Most appends committed together in one transaction (group commit). */
  maxBatch?: number;
  /**
   * Run the event log's tables' DDL (migration 001) before opening; default true, for tests and
   * tools that open a store on its own. The apps pass false: they ran the migrations first.
   */
  createSchema?: boolean;
}

/**
 * Rewrites events on their way into the log, before they are validated and queued: where the
 * personal data of an event is encrypted (libs/privacy, issue 16). It must be deterministic for a
 * given event (a retried append stores the same bytes) and may refuse an append with an
 * InvalidAppendError.
 */
export interface EventCodec {
  encode(streamId: string, events: readonly NewEvent[]): Promise<readonly NewEvent[]>;
}

/** Told of every group commit (metrics): how many appends it carried and how long the statement took. */
export interface AppendObserver {
  committed(groupSize: number, seconds: number): void;
}

/** One caller's append, queued for the next group commit. */
export interface PendingAppend {
  streamId: string;
  events: readonly NewEvent[];
  expectedRevision: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/** What `append_batch` answers for one append of the group. */
export type AppendOutcome =
  | { status: 'ok' | 'replay'; nextRevision: number; position: number }
  | { status: 'wrong_revision'; actual: number | 'no_stream' }
  | { status: 'id_conflict'; message: string };
