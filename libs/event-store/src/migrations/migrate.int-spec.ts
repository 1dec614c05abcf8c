import { PgSqlClient } from '../sql/pg.client';
import { postgresUrl, uniqueSchema } from '../../../testing/src/services';
import { appliedMigrations, migrateSchema, SchemaTooNewError } from './migrate';
import type { Migration } from './migration';

const steps: Migration[] = [
  { version: 1, name: 'counter', up: (s) => [`CREATE TABLE ${s}.applied (step int NOT NULL)`, `INSERT INTO ${s}.applied VALUES (1)`] },
  // Slow enough that the second process arrives while the first still holds the lock.
  { version: 2, name: 'slow', up: (s) => [`SELECT pg_sleep(0.3)`, `INSERT INTO ${s}.applied VALUES (2)`] },
  { version: 3, name: 'more', up: (s) => [`INSERT INTO ${s}.applied VALUES (3)`] },
];

describe('schema migrations on PostgreSQL', () => {
  jest.setTimeout(60_000);
  let url: string;
  const schema = uniqueSchema('migrate');
  const clients: PgSqlClient[] = [];
  const client = () => { const c = new PgSqlClient({ connectionString: url, max: 2 }); clients.push(c); return c; };

  beforeAll(async () => { url = await postgresUrl(); });
  afterAll(async () => {
    await client().query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    for (const c of clients) await c.close();
  });

  it('applies each step once when an API and a relay start at the same moment', async () => {
    const [a, b] = await Promise.all([migrateSchema(client(), schema, steps), migrateSchema(client(), schema, steps)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(['001_counter', '002_slow', '003_more']);
    expect(await client().query(`SELECT step FROM ${schema}.applied ORDER BY step`)).toEqual([{ step: 1 }, { step: 2 }, { step: 3 }]);
    expect((await appliedMigrations(client(), schema)).map((m) => m.version)).toEqual([1, 2, 3]);
  });

  it('refuses a schema a newer build wrote', async () => {
    await expect(migrateSchema(client(), schema, steps.slice(0, 2))).rejects.toThrow(
      new SchemaTooNewError(3, 2),
    );
    await expect(migrateSchema(client(), schema, steps.slice(0, 2))).rejects.toThrow(
      'schema version 3 is newer than this build knows (2); upgrade Samhandling before starting it',
    );
  });
});
