import { join } from 'node:path';

/** Everything the API reads from its environment, read once at start-up. */
export interface AppConfig {
  port: number;
  host: string;
  /** postgres://… selects PostgreSQL; unset means the embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  schema: string;
  agencyDirectoryFile: string;
  /** JWK file of the public key callers' tokens are verified with; default: the local dev key. */
  jwtPublicKeyFile?: string;
  jwtIssuer: string;
  jwtAudience: string;
  bodyLimit: string;
  /** Directory of legal-basis catalog versions (JSON), and entries switched on by configuration. */
  catalogDir: string;
  enabledBases: string[];
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = env.DATA_DIR ?? join(process.cwd(), 'data');
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    schema: env.DATABASE_SCHEMA ?? 'samhandling',
    agencyDirectoryFile: env.AGENCY_DIRECTORY ?? join(process.cwd(), 'config', 'agencies.json'),
    jwtPublicKeyFile: env.JWT_PUBLIC_KEY_FILE || undefined,
    jwtIssuer: env.JWT_ISSUER ?? 'samhandling-local',
    jwtAudience: env.JWT_AUDIENCE ?? 'samhandling-api',
    bodyLimit: env.BODY_LIMIT ?? '64kb',
    catalogDir: env.LEGAL_BASIS_CATALOG_DIR ?? join(process.cwd(), 'libs', 'policy', 'catalog'),
    enabledBases: (env.LEGAL_BASES_ENABLED ?? '').split(',').map((x) => x.trim()).filter(Boolean),
  };
}
