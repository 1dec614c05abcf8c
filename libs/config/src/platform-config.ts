import { join } from 'node:path';

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
  };
}
