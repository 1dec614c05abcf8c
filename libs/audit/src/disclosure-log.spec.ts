import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteSqlClient, type SqlClient } from '@samhandling/event-store';
import { disclosureId, type Disclosure } from './disclosure';
import { DisclosureLog } from './disclosure-log';
import { compactDisclosuresDdl, disclosureLogDdl } from './audit.migration';

const disclosure = (n: number, overrides: Partial<Disclosure> = {}): Disclosure => ({
  id: disclosureId('test', String(n)),
  kind: 'pull',
  occurredAt: `2026-06-01T12:00:${String(n % 60).padStart(2, '0')}Z`,
  subjectId: 'subject-1',
  disclosers: ['oslo-health'],
  recipient: { agency: 'oslo-refugee', actor: 'kari' },
  projection: 'person-overview',
  fields: ['consentSummary'],
  categories: ['health'],
  purpose: 'follow_up',
  bases: [{ kind: 'consent', consentId: 'c1', entryId: 'consent', version: '2026-01' }],
  channel: 'http',
  logPosition: n,
  ...overrides,
});

describe('DisclosureLog (hash-chained, on PGlite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'samhandling-audit-'));
  let sql: SqlClient;
  let schema = 0;
  let log: DisclosureLog;

  beforeAll(async () => {
    sql = await PgliteSqlClient.open(dir);
  }, 60_000);
  beforeEach(async () => {
    log = await DisclosureLog.create(sql, `audit_${++schema}`);
  });
  afterAll(async () => {
    await sql.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const table = () => `audit_${schema}.disclosures`;

  it('chains records in order and verifies them', async () => {
    const chained = await log.record([disclosure(1), disclosure(2)]);
    await log.record([disclosure(3)]);
    expect(chained[1].prevHash).toBe(chained[0].hash);
    expect(await log.verify()).toEqual({ ok: true, records: 3, lastHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await log.read()).map((r) => r.disclosure.logPosition)).toEqual([1, 2, 3]);
  });

  it('records a disclosure id once, however often it is recorded', async () => {
    await log.record([disclosure(1)]);
    await log.record([disclosure(1), disclosure(2)]);
    await Promise.all([log.record([disclosure(3)]), log.record([disclosure(3)])]);
    expect((await log.read()).map((r) => r.disclosure.logPosition)).toEqual([1, 2, 3]);
    expect(await log.verify()).toMatchObject({ ok: true, records: 3 });
  });

  it('keeps one chain when writers that each remember their own head interleave', async () => {
    const other = await DisclosureLog.create(sql, `audit_${schema}`);
    await log.record([disclosure(1)]);
    await other.record([disclosure(2)]);
    await log.record([disclosure(3), disclosure(3)]);
    await other.record([disclosure(4)]);
    await Promise.all([log.record([disclosure(5)]), other.record([disclosure(6)]), log.record([disclosure(5), disclosure(7)])]);
    await sql.transaction(async (tx) => {
      await other.record([disclosure(8)], tx);
      await log.record([disclosure(8), disclosure(9)], tx);
    });
    expect((await log.read()).map((r) => r.disclosure.logPosition).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await log.verify()).toMatchObject({ ok: true, records: 9 });
  });

  it('refuses to update, delete or truncate a record, naming the operation', async () => {
    await log.record([1, 2].map((n) => disclosure(n)));
    await expect(sql.query(`UPDATE ${table()} SET record = jsonb_set(record, '{purpose}', '"care"') WHERE seq = 2`)).rejects.toThrow(/AUDIT.APPEND_ONLY: disclosures is append-only: UPDATE refused/);
    await expect(sql.query(`DELETE FROM ${table()} WHERE seq = 2`)).rejects.toThrow(/AUDIT.APPEND_ONLY: disclosures is append-only: DELETE refused/);
    await expect(sql.query(`TRUNCATE ${table()}`)).rejects.toThrow(/AUDIT.APPEND_ONLY: disclosures is append-only: TRUNCATE refused/);
    expect(await log.verify()).toMatchObject({ ok: true, records: 2 });
  });

  // The tampering below is what the table's owner can still do, triggers off: the chain tells.
  const tamper = async (statement: string) => {
    await sql.query(`ALTER TABLE ${table()} DISABLE TRIGGER USER`);
    await sql.query(statement);
    await sql.query(`ALTER TABLE ${table()} ENABLE TRIGGER USER`);
  };

  it('detects a changed field at the record that was changed', async () => {
    await log.record([1, 2, 3, 4].map((n) => disclosure(n)));
    await tamper(`UPDATE ${table()} SET record = jsonb_set(record, '{recipient,agency}', '"nav-oslo"') WHERE seq = 3`);
    expect(await log.verify()).toEqual({ ok: false, records: 2, brokenAt: 3, problem: 'hash_mismatch' });
  });

  it('keeps out of a record what its columns give back exactly, reads every record back as recorded, and a changed column breaks the chain there', async () => {
    const compact = disclosure(1, { occurredAt: '2026-06-01T12:00:01.250Z' });
    const upperCaseId = disclosure(2, { id: disclosureId('test', '2').toUpperCase(), occurredAt: '2026-06-01T12:00:02.000Z' });
    const noMilliseconds = disclosure(3, { recipient: { agency: 'oslo-refugee', actor: 'kari' } });
    await log.record([compact, upperCaseId, noMilliseconds]);
    expect((await log.read()).map((r) => r.disclosure)).toEqual([compact, upperCaseId, noMilliseconds]);
    const stored = await sql.query<{ record: Record<string, unknown> }>(`SELECT record FROM ${table()} ORDER BY seq`);
    expect(stored.map((r) => ['id', 'subjectId', 'occurredAt'].filter((k) => k in r.record))).toEqual([[], ['id'], ['occurredAt']]);
    expect(stored.map((r) => r.record.recipient)).toEqual([{ actor: 'kari' }, { actor: 'kari' }, { actor: 'kari' }]);
    expect(await log.verify()).toMatchObject({ ok: true, records: 3 });

    await tamper(`UPDATE ${table()} SET subject_id = 'subject-2' WHERE seq = 1`);
    expect(await log.verify()).toEqual({ ok: false, records: 0, brokenAt: 1, problem: 'hash_mismatch' });
  });

  it('detects a changed recipient or time in a record\'s own columns', async () => {
    await log.record([1, 2, 3].map((n) => disclosure(n, { occurredAt: `2026-06-01T12:00:0${n}.000Z` })));
    await tamper(`UPDATE ${table()} SET occurred_at = occurred_at + interval '1 hour' WHERE seq = 3`);
    expect(await log.verify()).toEqual({ ok: false, records: 2, brokenAt: 3, problem: 'hash_mismatch' });
    await tamper(`UPDATE ${table()} SET recipient = 'nav-oslo' WHERE seq = 2`);
    expect(await log.verify()).toEqual({ ok: false, records: 1, brokenAt: 2, problem: 'hash_mismatch' });
  });

  it('migration 010 refuses to convert a chain whose hash is not a SHA-256 digest, naming the record', async () => {
    const s = `audit_old_${schema}`;
    for (const statement of disclosureLogDdl(s)) await sql.query(statement);
    await sql.query(`INSERT INTO ${s}.disclosures (seq, id, subject_id, recipient, occurred_at, record, prev_hash, hash)
                     VALUES (1, $1, 'subject-1', 'oslo-refugee', now(), '{}', $2, 'not-a-hash')`, [disclosureId('old', '1'), '0'.repeat(64)]);
    await expect(sql.transaction(async (tx) => { for (const statement of compactDisclosuresDdl(s)) await tx.query(statement); }))
      .rejects.toThrow(/AUDIT.CHAIN_ALTERED: disclosure seq 1 has a hash that is not a SHA-256 hex digest/);
    const [column] = await sql.query<{ data_type: string }>(`SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'disclosures' AND column_name = 'hash'`, [s]);
    expect(column.data_type).toBe('text');
  });

  it('detects a deleted record where it is missing', async () => {
    await log.record([1, 2, 3, 4].map((n) => disclosure(n)));
    await tamper(`DELETE FROM ${table()} WHERE seq = 2`);
    expect(await log.verify()).toEqual({ ok: false, records: 1, brokenAt: 2, problem: 'missing_record' });
  });

  it('detects reordered records at the first one out of place', async () => {
    await log.record([1, 2, 3, 4].map((n) => disclosure(n)));
    await tamper(`UPDATE ${table()} SET seq = -seq WHERE seq IN (2, 3)`);
    await tamper(`UPDATE ${table()} SET seq = CASE WHEN seq = -2 THEN 3 ELSE 2 END WHERE seq IN (-2, -3)`);
    expect(await log.verify()).toEqual({ ok: false, records: 1, brokenAt: 2, problem: 'broken_link' });
  });

  it('detects a record whose hash was recomputed but whose successor still points to the old one', async () => {
    await log.record([1, 2, 3].map((n) => disclosure(n)));
    await tamper(`UPDATE ${table()} SET record = jsonb_set(record, '{purpose}', '"care"'), hash = decode(repeat('a', 64), 'hex') WHERE seq = 2`);
    const result = await log.verify();
    expect(result).toMatchObject({ ok: false, brokenAt: 2 });
  });
});
