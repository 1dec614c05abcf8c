import type { RecordedEvent } from '@samhandling/event-store';
import type { KeyContext, Projection } from './projection';
import type { StateRef, StateRow } from './projection-state.table';

export interface BatchOutcome {
  /** States that changed, each with the position of the last event that changed it. */
  rows: StateRow[];
  /** New checkpoint per projection that had events in the batch beyond its checkpoint. */
  checkpoints: Map<string, number>;
}

const id = (projection: string, key: string) => JSON.stringify([projection, key]);

/**
 * Folds one batch into every projection, in log order, without writing anything: the caller
 * commits rows and checkpoints together, or (when an evolve throws) nothing at all. A projection
 * skips events at or below its own checkpoint, so projections at different positions share one pass.
 */
export async function applyBatch(
  projections: readonly Projection<unknown>[],
  checkpoints: ReadonlyMap<string, number>,
  batch: readonly RecordedEvent[],
  context: KeyContext,
  load: (refs: StateRef[]) => Promise<StateRow[]>,
): Promise<BatchOutcome> {
  const routed = batch.map((event) =>
    projections
      .filter((p) => event.position > (checkpoints.get(p.name) ?? 0))
      .map((p) => ({ projection: p, keys: [...new Set(p.keyOf(event, context))] })),
  );
  const refs = new Map<string, StateRef>();
  for (const touches of routed) {
    for (const { projection, keys } of touches) for (const key of keys) refs.set(id(projection.name, key), { projection: projection.name, key });
  }
  const states = new Map<string, StateRow>();
  for (const row of await load([...refs.values()])) states.set(id(row.projection, row.key), row);

  const changed = new Set<string>();
  batch.forEach((event, i) => {
    for (const { projection, keys } of routed[i]) {
      for (const key of keys) {
        const at = id(projection.name, key);
        const current = states.get(at)?.state ?? projection.init(key);
        const next = projection.evolve(current, event);
        if (next === current && states.has(at)) continue;
        states.set(at, { projection: projection.name, key, state: next, position: event.position });
        if (next !== current) changed.add(at);
      }
    }
  });

  const last = batch.length > 0 ? batch[batch.length - 1].position : 0;
  const advanced = new Map<string, number>();
  for (const p of projections) if ((checkpoints.get(p.name) ?? 0) < last) advanced.set(p.name, last);
  return { rows: [...changed].map((at) => states.get(at)!), checkpoints: advanced };
}
