/**
 * The event store port: the only thing the rest of Samhandling knows about storage.
 * Revisions count from 0 within a stream; positions are the global log order (dense, from 1)
 * and equal commit order, so a reader tailing the log by position never skips an event.
 */
export type ExpectedRevision = 'any' | 'no_stream' | number;

export interface NewEvent {
  /** UUID; appending an event whose id is already stored is a no-op (idempotent retry). */
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export interface RecordedEvent {
  id: string;
  streamId: string;
  revision: number;
  position: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
}

export interface AppendResult {
  /** Revision of the last event of the append (the stream's revision afterwards). */
  nextRevision: number;
  /** Global position of the last event of the append. */
  position: number;
}

export interface ReadStreamOptions {
  fromRevision?: number;
  limit?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events with position > after. 0 reads from the start. */
  after: number;
  limit: number;
}

export interface EventStore {
  append(streamId: string, events: readonly NewEvent[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  readEvent(eventId: string): Promise<RecordedEvent | undefined>;
  /** Calls the listener (without arguments) whenever new events may be visible. */
  onAppended(listener: () => void): () => void;
  close(): Promise<void>;
}
