import { InvalidAppendError } from '../errors';
import type { ExpectedRevision, NewEvent, RecordedEvent } from '../event-store.port';

/** The event table's rows as the store reads them, and what an append must hold before it is queued. */
export const COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata, recorded_at';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface EventRow {
  position: string | number;
  event_id: string;
  stream_id: string;
  revision: string | number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date | string;
}

export const UNIQUE_VIOLATION = '23505';

export function toRecorded(row: EventRow): RecordedEvent {
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

export function validateAppend(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): void {
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
