import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DisclosureLog } from '@samhandling/audit';
import { FeedStore } from '@samhandling/messaging';
import { appliedMigrations, migrateSchema, newEventId, PgliteSqlClient, PgSqlClient, SqlEventStore, type SqlClient } from '@samhandling/event-store';
import { LATEST_SCHEMA_VERSION, SCHEMA_MIGRATIONS } from './schema-migrations';

/**
 * Upgrading a database release v0.1.0 made and filled: test/fixtures/v0.1.0/dump.sql is what
 * v0.1.0 wrote during a journey (generate.sh; a CI clone needs no git tag). Loaded into a fresh
 * schema, migrated, and compared row by row: nothing accepted may be lost or changed.
 */
const DUMP = readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'v0.1.0', 'dump.sql'), 'utf8');
const dumpFor = (schema: string) => DUMP.replaceAll('__SCHEMA__', schema)
  // The dump empties search_path for the session; our own SQL is schema-qualified anyway.
  .replace(/^SELECT pg_catalog\.set_config\('search_path'.*$/m, '');

const TABLES: Record<string, string> = {
  events: 'position', checkpoints: 'name', disclosures: 'seq', deliveries: 'seq', projection_state: 'projection, key',
  disclosure_reviews: 'disclosure_id', notice_postponements: 'id',
};

/** Every row of the tables v0.1.0 wrote, as PostgreSQL prints it: any change shows. */
async function rows(sql: SqlClient, s: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    out[table] = (await sql.query<{ r: string }>(`SELECT t::text AS r FROM ${s}.${table} t ORDER BY ${order}`)).map((x) => x.r);
  }
  return out;
}

/** Tables, columns, constraints, indexes, triggers and functions, with the schema's name taken out. */
async function catalog(sql: SqlClient, s: string, options: { withMigrationsTable: boolean }): Promise<string[]> {
  const q = async (text: string) => (await sql.query<{ d: string }>(text, [s])).map((r) => r.d.replaceAll(s, '<schema>'));
  const skip = options.withMigrationsTable ? '' : `AND c.relname <> 'schema_migrations'`;
  return [
    ...await q(`SELECT format('column %s.%s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, coalesce(pg_get_expr(d.adbin, d.adrelid), '')) AS d
                  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped ${skip} ORDER BY 1`),
    ...await q(`SELECT format('constraint %s %s %s', c.relname, k.conname, pg_get_constraintdef(k.oid)) AS d
                  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = $1 ${skip} ORDER BY 1`),
    ...await q(`SELECT format('index %s', indexdef) AS d FROM pg_indexes WHERE schemaname = $1 AND tablename <> 'schema_migrations' ORDER BY 1`),
    ...await q(`SELECT format('trigger %s', pg_get_triggerdef(t.oid)) AS d FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY 1`),
    ...await q(`SELECT format('function %s(%s) %s', p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid)) AS d
                  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 ORDER BY 1`),
  ];
}

interface Target {
  name: string;
  /** A fresh, empty database and a schema name in it, the fixture loaded when asked. */
  open(schema: string, load: boolean): Promise<SqlClient>;
  drop?(schema: string): Promise<void>;
}

const targets: Target[] = [
  {
    name: 'PGlite',
    async open(schema, load) {
      const sql = await PgliteSqlClient.open('memory://');
      if (load) await sql.exec(dumpFor(schema));
      return sql;
    },
  },
];
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) {
  targets.push({
    name: 'PostgreSQL',
    async open(schema, load) {
      if (load) {
        // A connection of its own: the dump's SET lines must not stay on a pooled one.
        const client = new Client({ connectionString: databaseUrl });
        await client.connect();
        try { await client.query(dumpFor(schema)); } finally { await client.end(); }
      }
      return new PgSqlClient({ connectionString: databaseUrl, max: 4 });
    },
    async drop(schema) {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      try { await client.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_keys CASCADE`); } finally { await client.end(); }
    },
  });
}

describe.each(targets)('upgrading a v0.1.0 database ($name)', (target) => {
  jest.setTimeout(60_000);
  const schema = `upgrade_${randomUUID().slice(0, 8)}`;
  const fresh = `${schema}_fresh`;
  let sql: SqlClient;
  let freshSql: SqlClient;
  let before: Record<string, string[]>;
  let catalogBefore: string[];
  let deliveriesBefore: Array<{ seq: string; agency: string; event_id: string; position: string; envelope: Record<string, unknown> }>;
  let chainBefore: Array<{ seq: number; prevHash: string; hash: string; recordedAt: string; disclosure: Record<string, unknown> }>;
  let storeClosed = false;

  beforeAll(async () => {
    sql = await target.open(schema, true);
    freshSql = await target.open(fresh, false);
    before = await rows(sql, schema);
    deliveriesBefore = await sql.query(`SELECT seq, agency, event_id, position, envelope FROM ${schema}.deliveries ORDER BY seq`);
    chainBefore = (await sql.query<{ seq: string; prev_hash: string; hash: string; recorded_at: Date | string; record: Record<string, unknown> }>(
      `SELECT seq, prev_hash, hash, recorded_at, record FROM ${schema}.disclosures ORDER BY seq`,
    )).map((r) => ({ seq: Number(r.seq), prevHash: r.prev_hash, hash: r.hash, recordedAt: new Date(r.recorded_at).toISOString(), disclosure: r.record }));
    catalogBefore = await catalog(sql, schema, { withMigrationsTable: false });
  });
  afterAll(async () => {
    if (!storeClosed) await sql?.close();
    await freshSql?.close();
    await target.drop?.(schema);
    await target.drop?.(fresh);
  });

  it('starts from what v0.1.0 wrote: events, disclosure records, a review, a postponement, deliveries, checkpoints, projection states', () => {
    expect(before.events.length).toBeGreaterThan(5);
    expect(before.disclosures.length).toBeGreaterThan(2);
    expect(before.deliveries.length).toBeGreaterThan(5);
    expect(before.checkpoints.length).toBeGreaterThan(2);
    expect(before.projection_state.length).toBeGreaterThan(2);
    expect(before.disclosure_reviews.length).toBe(1);
    expect(before.notice_postponements.length).toBe(1);
    expect(catalogBefore.filter((d) => d.startsWith('function')).length).toBe(3);
    expect(catalogBefore.length).toBeGreaterThan(60);
  });

  it('the baseline migrations create exactly the schema v0.1.0 created', async () => {
    await migrateSchema(freshSql, fresh, SCHEMA_MIGRATIONS.slice(0, 4));
    expect(await catalog(freshSql, fresh, { withMigrationsTable: false })).toEqual(catalogBefore);
  });

  it('adopts the database, changes no row (the feed\'s and the disclosure log\'s rows made compact, serving the same), and records the newest version', async () => {
    const outcome = await migrateSchema(sql, schema, SCHEMA_MIGRATIONS);
    expect(outcome).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION, applied: SCHEMA_MIGRATIONS.map((m) => `${String(m.version).padStart(3, '0')}_${m.name}`) });
    const { deliveries: compacted, disclosures: compactedDisclosures, ...after } = await rows(sql, schema);
    const { deliveries: _, disclosures: __, ...expected } = before;
    expect(after).toEqual(expected);
    expect(compacted).toHaveLength(before.deliveries.length);
    // 010_disclosures_compact: every record reads back as v0.1.0 stored it, from a smaller row.
    expect(compactedDisclosures).toHaveLength(before.disclosures.length);
    expect(await DisclosureLog.attach(sql, schema).read({ limit: 1000 })).toEqual(chainBefore);
    expect(await sql.query(`SELECT seq FROM ${schema}.disclosures WHERE record ?| ARRAY['id', 'subjectId', 'occurredAt'] OR record -> 'recipient' ? 'agency' OR octet_length(hash) <> 32`)).toEqual([]);
    // 009_deliveries_compact: every agency's feed serves what v0.1.0 stored, at the same cursors.
    const feed = FeedStore.attach(sql, schema);
    for (const agency of new Set(deliveriesBefore.map((d) => d.agency))) {
      const page = await feed.read(agency, 0, 1000);
      const stored = deliveriesBefore.filter((d) => d.agency === agency);
      expect(page.events.map((e) => ({ id: e.id, position: e.logposition, source: e.source, subject: e.subject, categories: e.categories, basis: e.basis, disclosureid: e.disclosureid, redacted: e.redacted })))
        .toEqual(stored.map((d) => ({ id: d.event_id, position: Number(d.position), ...d.envelope, redacted: d.envelope.redacted })));
      expect(page.nextCursor).toBe(Number(stored[stored.length - 1].seq));
      expect(await feed.head(agency)).toBe(Number(stored[stored.length - 1].seq));
    }
    const applied = await appliedMigrations(sql, schema);
    expect(Math.max(...applied.map((a) => a.version))).toBe(LATEST_SCHEMA_VERSION);
    expect(await migrateSchema(sql, schema, SCHEMA_MIGRATIONS)).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION, applied: [] });
  });

  it('leaves the schema as a new installation has it', async () => {
    await migrateSchema(freshSql, fresh, SCHEMA_MIGRATIONS);
    expect(await catalog(sql, schema, { withMigrationsTable: true })).toEqual(await catalog(freshSql, fresh, { withMigrationsTable: true }));
  });

  it('the disclosure chain still verifies, and grows on from where v0.1.0 left it', async () => {
    const log = DisclosureLog.attach(sql, schema);
    expect(await log.verify()).toEqual({ ok: true, records: before.disclosures.length, lastHash: expect.any(String) });
    const [first] = await log.read({ limit: 1 });
    await log.record([{ ...first.disclosure, id: randomUUID(), occurredAt: new Date().toISOString() }]);
    expect(await log.verify()).toMatchObject({ ok: true, records: before.disclosures.length + 1 });
  });

  it('the log appends after the events v0.1.0 stored', async () => {
    const store = await SqlEventStore.create(sql, { schema, createSchema: false });
    const result = await store.append(`subject-${randomUUID()}`, [{ id: newEventId(), type: 'SubjectRegistered', data: { givenName: 'Amina' } }]);
    expect(result.position).toBe(before.events.length + 1);
    await store.close(); // and the client with it
    storeClosed = true;
  });
});
