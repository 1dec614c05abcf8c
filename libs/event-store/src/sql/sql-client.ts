/** The little a SQL event store needs from a driver; `pg` and PGlite both fit behind it. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface QueryOptions {
  /**
   * A statement run very often with the same text (an append, a page of the log): the driver may
   * keep it prepared on each connection, so the server parses and plans it once, not every time.
   */
  prepared?: boolean;
}

export interface SqlClient extends SqlExecutor {
  readonly dialect: 'postgres' | 'pglite';
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Row[]>;
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Subscribes to NOTIFY on a channel; returns an unsubscribe function. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are interpolated into SQL, so only plain lower-case identifiers pass. */
export function checkSchemaName(schema: string): string {
  if (!IDENTIFIER.test(schema)) throw new Error(`Invalid schema name ${JSON.stringify(schema)}: use [a-z_][a-z0-9_]*`);
  return schema;
}

/**
 * Runs schema changes in one transaction under the installation-wide DDL lock, so processes
 * starting at once (API, relay, several instances) never race on CREATE … IF NOT EXISTS.
 */
export function withDdlLock<T>(sql: SqlClient, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  return sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('samhandling-ddl'))`);
    return work(tx);
  });
}
