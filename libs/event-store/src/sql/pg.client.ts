import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { SqlClient, SqlExecutor } from './sql-client';

/** A `pg` Pool behind the SqlClient interface: one pooled connection per transaction. */
export class PgSqlClient implements SqlClient {
  readonly dialect = 'postgres' as const;
  private readonly pool: Pool;

  constructor(config: PoolConfig | string) {
    const base: PoolConfig = typeof config === 'string' ? { connectionString: config } : config;
    this.pool = new Pool({ max: 10, application_name: 'samhandling', ...base });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const result = await this.pool.query(sql, params);
    return result.rows as Row[];
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(executor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    const client = await this.pool.connect();
    const handler = (msg: { channel: string }) => msg.channel === channel && onNotify();
    client.on('notification', handler);
    await client.query(`LISTEN ${channel}`);
    return async () => {
      client.off('notification', handler);
      await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
      client.release();
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function executor(client: PoolClient): SqlExecutor {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await client.query(sql, params);
      return result.rows as Row[];
    },
  };
}
