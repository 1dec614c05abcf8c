import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { migrateSchema, PgliteSqlClient, PgSqlClient, type SqlClient } from '@samhandling/event-store';
import { LATEST_SCHEMA_VERSION, SCHEMA_MIGRATIONS } from '@samhandling/schema';
import { freePort, ROOT } from './support/apps';

/**
 * An older build started against a schema a newer release migrated must refuse, saying why,
 * rather than write to tables it does not know. The built apps run as an operator would.
 */
const NEWER = LATEST_SCHEMA_VERSION + 2;
const MESSAGE = `schema version ${NEWER} is newer than this build knows (${LATEST_SCHEMA_VERSION}); upgrade Samhandling before starting it`;

async function recordNewerVersion(sql: SqlClient, schema: string): Promise<void> {
  await migrateSchema(sql, schema, SCHEMA_MIGRATIONS);
  await sql.query(`INSERT INTO ${schema}.schema_migrations (version, name, checksum) VALUES ($1, 'from_a_newer_release', 'n/a')`, [NEWER]);
  await sql.close();
}

function run(script: string, env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, TS_NODE_BASEURL: './dist', ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', script], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

const API = 'dist/apps/api/src/main.js';
const RELAY = 'dist/apps/relay/src/main.js';

describe('a schema newer than the build', () => {
  jest.setTimeout(120_000);

  it('the embedded API refuses to start, says why, and exits non-zero', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'samhandling-too-new-'));
    try {
      await recordNewerVersion(await PgliteSqlClient.open(join(dataDir, 'pglite')), 'samhandling');
      const { code, output } = await run(API, { DATA_DIR: dataDir, DATABASE_URL: undefined, DATABASE_SCHEMA: undefined, KAFKA_BROKERS: undefined, PORT: String(await freePort()) });
      expect(output).toContain(MESSAGE);
      expect(code).toBe(1);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  const databaseUrl = process.env.DATABASE_URL;
  (databaseUrl ? describe : describe.skip)('on PostgreSQL', () => {
    const schema = `too_new_${randomUUID().slice(0, 8)}`;
    beforeAll(() => recordNewerVersion(new PgSqlClient({ connectionString: databaseUrl! }), schema));
    afterAll(async () => {
      const sql = new PgSqlClient({ connectionString: databaseUrl! });
      await sql.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_keys CASCADE`);
      await sql.close();
    });

    it.each([['API', API], ['relay', RELAY]])('the %s refuses to start, says why, and exits non-zero', async (_name, script) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'samhandling-too-new-'));
      try {
        const { code, output } = await run(script, { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, DATA_DIR: dataDir, KAFKA_BROKERS: undefined, PORT: String(await freePort()) });
        expect(output).toContain(MESSAGE);
        expect(code).toBe(1);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('and nothing was written to the schema', async () => {
      const sql = new PgSqlClient({ connectionString: databaseUrl! });
      try {
        expect(await sql.query(`SELECT count(*)::int AS n FROM ${schema}.events`)).toEqual([{ n: 0 }]);
        expect((await sql.query<{ v: number }>(`SELECT max(version) AS v FROM ${schema}.schema_migrations`))[0].v).toBe(NEWER);
      } finally {
        await sql.close();
      }
    });
  });
});
