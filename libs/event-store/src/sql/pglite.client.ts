import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { QueryOptions, SqlClient, SqlExecutor } from './sql-client';

/**
 * PGlite (PostgreSQL compiled to WASM, in-process) behind the SqlClient interface.
 * `dataDir` is a directory on disk (created if missing) or `memory://` for throwaway use.
 */
export class PgliteSqlClient implements SqlClient {
  readonly dialect = 'pglite' as const;

  private constructor(private readonly db: PGlite) {}

  static async open(dataDir: string): Promise<PgliteSqlClient> {
    if (!dataDir.includes('://')) mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir);
    return new PgliteSqlClient(db);
  }

  /** `prepared` is left to PGlite: it runs in this process, with no round trip to save. */
  async query<Row>(sql: string, params: unknown[] = [], _options?: QueryOptions): Promise<Row[]> {
    const result = await this.db.query<Row>(sql, params);
    return result.rows;
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      work({
        async query<Row>(sql: string, params: unknown[] = []) {
          const result = await tx.query<Row>(sql, params);
          return result.rows;
        },
      }),
    );
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    const unlisten = await this.db.listen(channel, () => onNotify());
    return () => unlisten();
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
