import { createHash } from 'node:crypto';
import type { SqlClient } from '@samhandling/event-store';

/** One of `count` slices of the log, cut by the person an event is about. */
export interface Partition {
  index: number;
  count: number;
}

/**
 * The slice a person's events belong to: a hash of the subject id, so one person's events are
 * always in one partition (and decided, recorded and sent in log order by its one owner). Events
 * naming no person go to partition 0.
 */
export function partitionOf(subjectId: string | undefined, count: number): number {
  if (count <= 1 || subjectId === undefined) return 0;
  return createHash('sha256').update(subjectId).digest().readUInt32BE(0) % count;
}

/** The checkpoint (and persisted policy state) of one partition of the relay named `base`. */
export const partitionCheckpoint = (base: string, { index, count }: Partition): string => `${base}:p${index}/${count}`;

/**
 * Where a partition starts that has no checkpoint of its own yet: the lowest checkpoint its relay
 * left under any earlier layout — the single relay's `base`, or every partition of another count
 * (a count some partition of which never checkpointed counts as 0). Everything up to it was
 * delivered, whoever the person, so nothing is skipped; what lies between it and a higher one is
 * decided again, and disclosure ids and feed rows are deterministic, so nothing is recorded twice
 * (Kafka may see a message again: at least once). Siblings of the same count say nothing about
 * this partition's people and are left out. 0 when the relay never ran.
 */
export async function startingCheckpoint(sql: SqlClient, schema: string, base: string, count: number): Promise<number> {
  const rows = await sql.query<{ name: string; position: string | number }>(
    `SELECT name, position FROM ${schema}.checkpoints WHERE name = $1 OR starts_with(name, $2)`,
    [base, `${base}:p`],
  );
  const starts: number[] = [];
  const layouts = new Map<number, Map<number, number>>();
  for (const { name, position } of rows) {
    if (name === base) {
      starts.push(Number(position));
      continue;
    }
    const m = /^:p(\d+)\/(\d+)$/.exec(name.slice(base.length));
    if (!m || Number(m[2]) === count) continue;
    const layout = layouts.get(Number(m[2])) ?? new Map<number, number>();
    layout.set(Number(m[1]), Number(position));
    layouts.set(Number(m[2]), layout);
  }
  for (const [n, layout] of layouts) starts.push(layout.size === n ? Math.min(...layout.values()) : 0);
  return starts.length === 0 ? 0 : Math.min(...starts);
}
