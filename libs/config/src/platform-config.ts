import { join } from 'node:path';
import { envInteger } from './env';

/**
 * What every Samhandling process reads alike from its environment: where the log is, who the
 * agencies are, which legal-basis catalog applies. The API adds its own settings on top; the
 * relay needs only these.
 */
export interface PlatformConfig {
  /** postgres://… selects PostgreSQL; unset means the embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** PGLITE_SHARED_BUFFERS: the embedded store's page cache (default 32MB). */
  pgliteSharedBuffers?: string;
  schema: string;
  agencyDirectoryFile: string;
  /** Directory of legal-basis catalog versions (JSON), and entries switched on by configuration. */
  catalogDir: string;
  enabledBases: string[];
  /**
   * RELAY_PARTITIONS (1): how many partitions the relay cuts the log into, by person; that many
   * can be delivered at once, by as many relay instances (apps/relay/README.md). Every process of
   * a deployment must say the same: the API reads it for the relay's lag.
   */
  relayPartitions: number;
}

export function platformConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR ?? join(process.cwd(), 'data'),
    pgliteSharedBuffers: env.PGLITE_SHARED_BUFFERS || undefined,
    schema: env.DATABASE_SCHEMA ?? 'samhandling',
    agencyDirectoryFile: env.AGENCY_DIRECTORY ?? join(process.cwd(), 'config', 'agencies.json'),
    catalogDir: env.LEGAL_BASIS_CATALOG_DIR ?? join(process.cwd(), 'libs', 'policy', 'catalog'),
    enabledBases: (env.LEGAL_BASES_ENABLED ?? '').split(',').map((x) => x.trim()).filter(Boolean),
    relayPartitions: envInteger(env, 'RELAY_PARTITIONS', 1, { min: 1 }),
  };
}
