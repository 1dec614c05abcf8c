import { EventIdConflictError, WrongExpectedRevisionError } from '../errors';
import type { AppendResult, ExpectedRevision, NewEvent } from '../event-store.port';

export interface PendingAppend {
  streamId: string;
  events: readonly NewEvent[];
  expectedRevision: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

export interface StoredId {
  streamId: string;
  revision: number;
  position: number;
}

export interface EventRowToInsert {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface BatchPlan {
  rows: EventRowToInsert[];
  /** Stream heads changed by this batch. */
  heads: Map<string, number>;
  lastPosition: number;
  /** Run after COMMIT: each caller hears its own outcome only once the batch is durable. */
  settlements: Array<() => void>;
}

/**
 * Decides, for a group of queued appends, which succeed and at which revisions and positions.
 * Runs inside the append transaction while the store's lock is held; pure, so it is unit-tested.
 */
export function planBatch(
  batch: readonly PendingAppend[],
  currentHeads: ReadonlyMap<string, number>,
  storedIds: ReadonlyMap<string, StoredId>,
  lastPosition: number,
): BatchPlan {
  const heads = new Map<string, number>();
  const known = new Map(storedIds);
  const rows: EventRowToInsert[] = [];
  const settlements: Array<() => void> = [];
  let position = lastPosition;

  for (const pending of batch) {
    const ids = pending.events.map((e) => e.id.toLowerCase());
    const found = ids.map((id) => known.get(id));
    if (found.every((f) => f !== undefined)) {
      settlements.push(replay(pending, found as StoredId[]));
      continue;
    }
    const clash = found.findIndex((f) => f !== undefined);
    if (clash >= 0) {
      const error = new EventIdConflictError(`Event id ${ids[clash]} was already appended to ${found[clash]!.streamId}; an append is stored whole or not at all`);
      settlements.push(() => pending.reject(error));
      continue;
    }
    let revision = heads.get(pending.streamId) ?? currentHeads.get(pending.streamId) ?? -1;
    const mismatch = expectationFails(pending.expectedRevision, revision);
    if (mismatch) {
      const error = new WrongExpectedRevisionError(pending.streamId, pending.expectedRevision, revision < 0 ? 'no_stream' : revision);
      settlements.push(() => pending.reject(error));
      continue;
    }
    pending.events.forEach((event, i) => {
      revision += 1;
      position += 1;
      rows.push({
        position, event_id: ids[i], stream_id: pending.streamId, revision,
        type: event.type, data: event.data, metadata: event.metadata ?? {},
      });
      known.set(ids[i], { streamId: pending.streamId, revision, position });
    });
    heads.set(pending.streamId, revision);
    const result = { nextRevision: revision, position };
    settlements.push(() => pending.resolve(result));
  }
  return { rows, heads, lastPosition: position, settlements };
}

function expectationFails(expected: ExpectedRevision, current: number): boolean {
  if (expected === 'any') return false;
  if (expected === 'no_stream') return current !== -1;
  return current !== expected;
}

/** A retried append whose events are all stored already: answer as the first time, append nothing. */
function replay(pending: PendingAppend, found: StoredId[]): () => void {
  const sameStream = found.every((f) => f.streamId === pending.streamId);
  const consecutive = found.every((f, i) => i === 0 || f.revision === found[i - 1].revision + 1);
  if (!sameStream || !consecutive) {
    const error = new EventIdConflictError(`Events ${pending.events.map((e) => e.id).join(', ')} were stored before, but not as this append to ${pending.streamId}`);
    return () => pending.reject(error);
  }
  const last = found[found.length - 1];
  return () => pending.resolve({ nextRevision: last.revision, position: last.position });
}
