import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { appliedMigrations, migrateSchema, PgliteSqlClient } from '@samhandling/event-store';
import { LATEST_SCHEMA_VERSION, SCHEMA_MIGRATIONS } from '@samhandling/schema';
import { createApp } from '../../bootstrap';
import { loadConfig, type AppConfig } from '../config/app-config';

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..', '..');

describe('the API and the schema version', () => {
  jest.setTimeout(60_000);
  let dataDir: string;
  let config: AppConfig;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'samhandling-schema-'));
    config = { ...loadConfig({}), dataDir, databaseUrl: undefined, relayInProcess: false, agencyDirectoryFile: join(REPO_ROOT, 'config', 'agencies.json') };
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates a new data directory to the newest version on start', async () => {
    const app = await createApp(config, { logger: false });
    await app.init();
    await app.close();
    const sql = await PgliteSqlClient.open(join(dataDir, 'pglite'));
    try {
      expect((await appliedMigrations(sql, config.schema)).map((m) => m.version)).toEqual(SCHEMA_MIGRATIONS.map((m) => m.version));
    } finally {
      await sql.close();
    }
  });

  it('refuses to start on a schema a newer release wrote', async () => {
    const sql = await PgliteSqlClient.open(join(dataDir, 'pglite'));
    await migrateSchema(sql, config.schema, SCHEMA_MIGRATIONS);
    await sql.query(`INSERT INTO ${config.schema}.schema_migrations (version, name, checksum) VALUES ($1, 'from_a_newer_release', 'n/a')`, [LATEST_SCHEMA_VERSION + 1]);
    await sql.close();
    await expect(createApp(config, { logger: false })).rejects.toThrow(
      `schema version ${LATEST_SCHEMA_VERSION + 1} is newer than this build knows (${LATEST_SCHEMA_VERSION}); upgrade Samhandling before starting it`,
    );
  });
});
