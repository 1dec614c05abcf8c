import type { SqlEventStore } from '@samhandling/event-store';
import { partitionCheckpoint, startingCheckpoint } from './partitions';

/**
 * How far the relay is behind the log, read from the store (so it holds wherever the relay runs):
 * events after its checkpoint, and the age of the first of them (0 when it is caught up). With
 * the log cut into `partitions`, the checkpoint is the lowest partition's (one not started yet
 * counts from where it will start).
 */
export function relayLag(store: SqlEventStore, checkpointName = 'relay', partitions = 1) {
  const s = store.schemaName;
  const names = partitions > 1 ? Array.from({ length: partitions }, (_, index) => partitionCheckpoint(checkpointName, { index, count: partitions })) : [checkpointName];
  return {
    async lag(): Promise<{ events: number; seconds: number }> {
      const [row] = await store.sqlClient.query<{ head: string | number; checkpoint: string | number | null; found: string | number }>(
        `SELECT (SELECT coalesce(max(position), 0) FROM ${s}.events) AS head,
                (SELECT min(position) FROM ${s}.checkpoints WHERE name = ANY($1)) AS checkpoint,
                (SELECT count(*) FROM ${s}.checkpoints WHERE name = ANY($1)) AS found`,
        [names],
      );
      let checkpoint = row.checkpoint === null ? 0 : Number(row.checkpoint);
      if (partitions > 1 && Number(row.found) < partitions) {
        const unstarted = await startingCheckpoint(store.sqlClient, s, checkpointName, partitions);
        checkpoint = row.checkpoint === null ? unstarted : Math.min(checkpoint, unstarted);
      }
      const events = Math.max(0, Number(row.head) - checkpoint);
      if (events === 0) return { events, seconds: 0 };
      const [oldest] = await store.sqlClient.query<{ age: string | number }>(
        `SELECT extract(epoch FROM now() - recorded_at) AS age FROM ${s}.events WHERE position > $1 ORDER BY position LIMIT 1`,
        [checkpoint],
      );
      return { events, seconds: Math.max(0, Number(oldest?.age ?? 0)) };
    },
  };
}
