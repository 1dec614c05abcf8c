import { PgSqlClient } from './sql/pg.client';
import { PgliteSqlClient } from './sql/pglite.client';
import type { SqlClient } from './sql/sql-client';
import { SqlEventStore } from './sql/sql-event-store';
import { migrateSchema } from './migrations/migrate';
import type { Migration } from './migrations/migration';

export interface StoreConfig {
  /** postgres://… selects the PostgreSQL driver; without it the embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory (embedded default). */
  dataDir?: string;
  schema?: string;
  poolSize?: number;
  /** PGlite's shared_buffers (default DEFAULT_SHARED_BUFFERS). */
  pgliteSharedBuffers?: string;
  /**
   * The whole schema's ordered migrations (assembled in @samhandling/schema, which may import
   * every library that owns tables). Given, the schema is migrated before the store opens, and a
   * schema newer than the list is refused (SchemaTooNewError); absent, only the log's tables are
   * ensured.
   */
  migrations?: readonly Migration[];
  log?: (message: string) => void;
}

/** Opens the store the configuration names: PostgreSQL when a URL is given, else PGlite on disk. */
export async function openEventStore(config: StoreConfig): Promise<SqlEventStore> {
  const sql: SqlClient = config.databaseUrl
    ? new PgSqlClient({ connectionString: config.databaseUrl, max: config.poolSize ?? 10 })
    : await PgliteSqlClient.open(config.dataDir ?? './data/pglite', { sharedBuffers: config.pgliteSharedBuffers });
  try {
    if (config.migrations) await migrateSchema(sql, config.schema ?? 'samhandling', config.migrations, { log: config.log });
    return await SqlEventStore.create(sql, { schema: config.schema, createSchema: !config.migrations });
  } catch (error) {
    await sql.close();
    throw error;
  }
}
