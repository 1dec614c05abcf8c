import { createHash } from 'node:crypto';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { QueryOptions, SqlClient, SqlExecutor } from './sql-client';

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

  async query<Row>(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Row[]> {
    // A named statement is parsed and planned once per pooled connection; the name stands for the text.
    const name = options.prepared ? statementName(sql) : undefined;
    const result = await this.pool.query({ text: sql, values: params, name });
    return result.rows as Row[];
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A connection lost mid-transaction fails the transaction's next query; the error event it
    // also emits must not crash the process, and the broken client must not go back to the pool.
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost = error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(executor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onError);
      client.release(lost);
    }
  }

  /**
   * LISTEN on a dedicated connection. If that connection is lost it listens again on a new one
   * (retrying every half second) and then calls onNotify once, for whatever was missed meanwhile.
   */
  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    let stopped = false;
    let current: { client: PoolClient; release: (error?: Error) => void } | undefined;
    const handler = (msg: { channel: string }) => msg.channel === channel && onNotify();
    const open = async (): Promise<void> => {
      const client = await this.pool.connect();
      let released = false;
      const release = (error?: Error) => {
        if (released) return;
        released = true;
        client.off('notification', handler);
        client.release(error);
      };
      client.on('error', (error: Error) => {
        release(error);
        if (current?.client === client) current = undefined;
        if (!stopped) void reopen();
      });
      client.on('notification', handler);
      try {
        await client.query(`LISTEN ${channel}`);
      } catch (error) {
        release(error as Error);
        throw error;
      }
      current = { client, release };
    };
    const reopen = async (): Promise<void> => {
      while (!stopped && !current) {
        await new Promise((r) => setTimeout(r, 500));
        try {
          await open();
          onNotify();
        } catch {
          // the database is still away: try again
        }
      }
    };
    await open();
    return async () => {
      stopped = true;
      const listening = current;
      current = undefined;
      if (!listening) return;
      await listening.client.query(`UNLISTEN ${channel}`).catch(() => undefined);
      listening.release();
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

const names = new Map<string, string>();

/** A server-side statement name for a text: short (the server cuts names at 63 bytes) and its own. */
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `samhandling_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
    names.set(sql, name);
  }
  return name;
}
