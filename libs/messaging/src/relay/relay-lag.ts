import type { SqlEventStore } from '@samhandling/event-store';

/**
 * How far the relay is behind the log, read from the store (so it holds wherever the relay runs):
 * events after its checkpoint, and the age of the first of them (0 when it is caught up).
 */
export function relayLag(store: SqlEventStore, checkpointName = 'relay') {
  const s = store.schemaName;
  return {
    async lag(): Promise<{ events: number; seconds: number }> {
      const [row] = await store.sqlClient.query<{ head: string | number; checkpoint: string | number | null }>(
        `SELECT (SELECT coalesce(max(position), 0) FROM ${s}.events) AS head,
                (SELECT position FROM ${s}.checkpoints WHERE name = $1) AS checkpoint`,
        [checkpointName],
      );
      const checkpoint = Number(row.checkpoint ?? 0);
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
