import type { Pool } from 'pg';
import type { SqlExecutor } from '@samhandling/event-store';

/** What the consumer needs of a database: the SqlClient of @samhandling/event-store (pg or PGlite) fits. */
export interface ConsumerSql extends SqlExecutor {
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/** A plain `pg` Pool, the integrator's own, as ConsumerSql: one pooled connection per transaction. */
export function poolSql(pool: Pool): ConsumerSql {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as Row[];
    },
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await work({ query: async <Row>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as Row[] });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw error;
      } finally {
        // A connection that could not even roll back is dropped, not handed to the next caller.
        client.release(broken);
      }
    },
  };
}

export const isConsumerSql = (sql: ConsumerSql | Pool): sql is ConsumerSql => typeof (sql as Partial<ConsumerSql>).transaction === 'function';
