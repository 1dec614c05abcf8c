import { PgSqlClient } from './sql/pg.client';
import { PgliteSqlClient } from './sql/pglite.client';
import type { SqlClient } from './sql/sql-client';
import { SqlEventStore } from './sql/sql-event-store';

export interface StoreConfig {
  /** postgres://… selects the PostgreSQL driver; without it the embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory (embedded default). */
  dataDir?: string;
  schema?: string;
  poolSize?: number;
  /** PGlite's shared_buffers (default DEFAULT_SHARED_BUFFERS). */
  pgliteSharedBuffers?: string;
}

/** Opens the store the configuration names: PostgreSQL when a URL is given, else PGlite on disk. */
export async function openEventStore(config: StoreConfig): Promise<SqlEventStore> {
  const sql: SqlClient = config.databaseUrl
    ? new PgSqlClient({ connectionString: config.databaseUrl, max: config.poolSize ?? 10 })
    : await PgliteSqlClient.open(config.dataDir ?? './data/pglite', { sharedBuffers: config.pgliteSharedBuffers });
  try {
    return await SqlEventStore.create(sql, { schema: config.schema });
  } catch (error) {
    await sql.close();
    throw error;
  }
}
