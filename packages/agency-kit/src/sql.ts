/** What the kit needs of a database connection: a `pg` Pool (through poolSql) or any client with this shape (PGlite too). */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/** A database the consumer can run transactions on. */
export interface ConsumerSql extends SqlExecutor {
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/** The part of a `pg` Pool the kit uses (so the kit needs `pg` only in the integrator's code). */
export interface PoolLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  connect(): Promise<{ query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>; release(destroy?: boolean): void }>;
}

/** A `pg` Pool, the integrator's own, as ConsumerSql: one pooled connection per transaction. */
export function poolSql(pool: PoolLike): ConsumerSql {
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

export const asConsumerSql = (sql: ConsumerSql | PoolLike): ConsumerSql =>
  typeof (sql as Partial<ConsumerSql>).transaction === 'function' ? (sql as ConsumerSql) : poolSql(sql as PoolLike);

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are interpolated into SQL, so only plain lower-case identifiers pass. */
export function checkSchemaName(schema: string): string {
  if (!IDENTIFIER.test(schema)) throw new Error(`Invalid schema name ${JSON.stringify(schema)}: use [a-z_][a-z0-9_]*`);
  return schema;
}

/**
 * A transaction whose unqualified table names resolve in `schema` first: a projection that writes
 * `INSERT INTO contacts …` writes the live tables when it runs live, the fresh ones during a rebuild.
 */
export function inSchema<T>(sql: ConsumerSql, schema: string, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  return sql.transaction(async (tx) => {
    await tx.query(`SET LOCAL search_path TO ${checkSchemaName(schema)}, public`);
    return work(tx);
  });
}

/** An error as a log line: its class and message, for a database error its SQLSTATE and routine; never data. */
export function errorSummary(error: unknown): string {
  const e = error as { name?: string; code?: unknown; routine?: unknown };
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    return `${e.name ?? 'DatabaseError'} code=${e.code}${typeof e.routine === 'string' ? ` routine=${e.routine}` : ''}`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return typeof error;
}
