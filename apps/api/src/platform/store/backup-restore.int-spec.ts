import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DisclosureLog } from '@samhandling/audit';
import { PgliteSqlClient, PgSqlClient, type SqlClient, type SqlEventStore } from '@samhandling/event-store';
import { postgresUrl, uniqueSchema } from '../../../../../libs/testing/src/services';
import { ApiHarness, consentBody, contactBody } from '../../testing/api-harness';

/**
 * The README's backup and restore, done as an operator would, on both stores: the API stops with
 * the relay behind the log (events appended after its checkpoint), the data is backed up (pg_dump /
 * a copy of the stopped embedded data directory, with the keys), the original is lost, the backup
 * is restored elsewhere. Then every event, disclosure record and checkpoint is as it was, the chain
 * verifies, and the relay resumes from its checkpoint and delivers what it had not yet delivered.
 */
type Where = { dataDir: string; databaseUrl?: string; schema: string };

interface Driver {
  name: string;
  /** A fresh place to run the API. */
  fresh(): Promise<Where>;
  /** Back `from` up (the API stopped), destroy it, restore into a new place. */
  backupAndRestore(from: Where): Promise<Where>;
  sql(where: Where): Promise<SqlClient>;
  cleanup(): Promise<void>;
}

const scratch = mkdtempSync(join(tmpdir(), 'samhandling-backup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const pglite: Driver = {
  name: 'the embedded store (PGlite data directory)',
  fresh: async () => ({ dataDir: mkdtempSync(join(scratch, 'data-')), schema: 'samhandling' }),
  async backupAndRestore(from) {
    const backup = join(scratch, `backup-${randomUUID()}`);
    cpSync(from.dataDir, backup, { recursive: true }); // the whole DATA_DIR: pglite/ and keys/
    rmSync(from.dataDir, { recursive: true, force: true }); // the disaster
    const restored = mkdtempSync(join(scratch, 'restored-'));
    cpSync(backup, restored, { recursive: true });
    return { dataDir: restored, schema: from.schema };
  },
  sql: (where) => PgliteSqlClient.open(join(where.dataDir, 'pglite')),
  cleanup: async () => undefined,
};

const databases: string[] = [];
const postgres: Driver = {
  name: 'PostgreSQL (pg_dump / pg_restore)',
  fresh: async () => ({ dataDir: mkdtempSync(join(scratch, 'keys-')), databaseUrl: await postgresUrl(), schema: uniqueSchema('backup') }),
  async backupAndRestore(from) {
    const dump = join(scratch, `${from.schema}.dump`);
    // The log's schema and its data keys' (libs/privacy): without the keys the personal data is gone.
    execFileSync('pg_dump', ['--format=custom', `--schema=${from.schema}`, `--schema=${from.schema}_keys`, '--no-owner', `--file=${dump}`, from.databaseUrl!]);
    const keys = join(scratch, `keys-backup-${randomUUID()}`);
    cpSync(from.dataDir, keys, { recursive: true });
    // The disaster: the schema and the keys are gone.
    const admin = new PgSqlClient({ connectionString: from.databaseUrl!, max: 1 });
    try {
      await admin.query(`DROP SCHEMA ${from.schema}, ${from.schema}_keys CASCADE`);
      const database = `restore_${from.schema}`.slice(0, 63);
      await admin.query(`CREATE DATABASE ${database}`);
      databases.push(database);
      const url = new URL(from.databaseUrl!);
      url.pathname = `/${database}`;
      rmSync(from.dataDir, { recursive: true, force: true });
      execFileSync('pg_restore', ['--exit-on-error', '--no-owner', `--dbname=${url.toString()}`, dump]);
      const restoredKeys = mkdtempSync(join(scratch, 'restored-keys-'));
      cpSync(keys, restoredKeys, { recursive: true });
      return { dataDir: restoredKeys, databaseUrl: url.toString(), schema: from.schema };
    } finally {
      await admin.close();
    }
  },
  sql: async (where) => new PgSqlClient({ connectionString: where.databaseUrl!, max: 2 }),
  async cleanup() {
    if (databases.length === 0) return;
    const admin = new PgSqlClient({ connectionString: await postgresUrl(), max: 1 });
    try {
      for (const database of databases.splice(0)) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    } finally {
      await admin.close();
    }
  },
};

/** Every row of the tables a backup must keep, in a fixed order. */
async function snapshot(sql: SqlClient, schema: string) {
  const rows = (query: string) => sql.query<Record<string, unknown>>(query);
  return {
    events: await rows(`SELECT position, event_id, stream_id, revision, type, data, metadata FROM ${schema}.events ORDER BY position`),
    disclosures: await rows(`SELECT * FROM ${schema}.disclosures ORDER BY seq`),
    checkpoints: await rows(`SELECT * FROM ${schema}.checkpoints ORDER BY name`),
    deliveries: await rows(`SELECT seq, agency, position, disclosure_id, meta FROM ${schema}.deliveries ORDER BY seq`),
  };
}

const start = (where: Where, relayInProcess: boolean) => ApiHarness.start({ relayInProcess, dataDir: where.dataDir, databaseUrl: where.databaseUrl, schema: where.schema });

async function relayCaughtUp(api: ApiHarness): Promise<number> {
  const sql = (api.store as SqlEventStore).sqlClient;
  const schema = api.config.schema;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [head] = await sql.query<{ p: string }>(`SELECT coalesce(max(position), 0) AS p FROM ${schema}.events`);
    const [relay] = await sql.query<{ position: string }>(`SELECT position FROM ${schema}.checkpoints WHERE name = 'relay'`);
    if (relay && Number(relay.position) === Number(head.p)) return Number(head.p);
    if (Date.now() > deadline) throw new Error(`the relay did not reach the log head ${head.p} (at ${relay?.position ?? 'no checkpoint'})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function feedOf(api: ApiHarness, agency: string): Promise<Array<{ id: string; subject: string; disclosureid?: string }>> {
  const res = await api.http.get('/feed?after=0&limit=500').set('Authorization', `Bearer ${await api.token(agency)}`);
  expect(res.status).toBe(200);
  return res.body.events;
}

describe.each([pglite, postgres])('backup and restore on $name', (driver) => {
  afterAll(() => driver.cleanup());

  it('restores every event, disclosure record and checkpoint; the chain verifies; the relay delivers what it had not', async () => {
    const where = await driver.fresh();

    // The health service shares with the refugee service on the person's consent; the relay delivers.
    let api = await start(where, true);
    const subjectId = await api.registerSubject({}, 'oslo-health');
    expect((await api.post(`/subjects/${subjectId}/consents`, consentBody({ recipients: [{ agency: 'oslo-refugee' }], categories: ['health', 'contact_log'], purposes: ['follow_up'] }), { as: 'oslo-health' })).status).toBe(201);
    const delivered = await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['contact_log', 'health'] }), { as: 'oslo-health' });
    expect(delivered.status).toBe(201);
    await relayCaughtUp(api);
    expect((await feedOf(api, 'oslo-refugee')).map((e) => e.id)).toContain(delivered.body.events[0].id);
    await api.close();

    // More is recorded while no relay runs: at the backup, the relay is behind the log.
    api = await start(where, false);
    const pending: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['contact_log', 'health'] }), { as: 'oslo-health' });
      expect(res.status).toBe(201);
      pending.push(res.body.events[0].id);
    }
    await api.close();

    let sql = await driver.sql(where);
    const before = await snapshot(sql, where.schema);
    await sql.close();
    const relayAt = Number(before.checkpoints.find((c) => c.name === 'relay')!.position);
    const head = Number(before.events[before.events.length - 1].position);
    expect(relayAt).toBeLessThan(head);
    expect(before.disclosures.length).toBeGreaterThan(0);

    const restored = await driver.backupAndRestore(where);

    sql = await driver.sql(restored);
    try {
      expect(await snapshot(sql, restored.schema)).toEqual(before);
      const chain = await DisclosureLog.attach(sql, restored.schema).verify();
      expect(chain).toMatchObject({ ok: true, records: before.disclosures.length });
    } finally {
      await sql.close();
    }

    // The restored installation starts with its keys (old tokens still verify) and the relay resumes.
    api = await start(restored, true);
    try {
      expect(await relayCaughtUp(api)).toBe(head);
      const feed = await feedOf(api, 'oslo-refugee');
      const ids = feed.map((e) => e.id);
      expect(ids).toEqual(expect.arrayContaining([delivered.body.events[0].id, ...pending]));
      expect(new Set(ids).size).toBe(ids.length);
      for (const event of feed.filter((e) => pending.includes(e.id))) expect(event.disclosureid).toEqual(expect.any(String));
      // The data keys came back with the log: what was recorded reads in clear again.
      const summaries = feed.filter((e) => pending.includes(e.id)).map((e) => (e as { data?: { summary?: unknown } }).data?.summary);
      expect(summaries).toEqual(pending.map(() => expect.not.stringMatching(/^enc:v1:/)));
      expect(summaries).toEqual(pending.map(() => expect.any(String)));
      const after = await DisclosureLog.attach((api.store as SqlEventStore).sqlClient, restored.schema).verify();
      expect(after).toMatchObject({ ok: true, records: before.disclosures.length + pending.length });
    } finally {
      await api.close();
    }
  }, 180_000);
});
