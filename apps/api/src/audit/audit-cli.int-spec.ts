import { disclosureId, DisclosureLog } from '@samhandling/audit';
import { PgSqlClient } from '@samhandling/event-store';
import { postgresUrl, uniqueSchema } from '../../../../libs/testing/src/services';
import { runAuditCli } from '../cli/audit';

describe('npm run audit -- verify --database-url (straight from PostgreSQL)', () => {
  const schema = uniqueSchema('audit_cli');
  let sql: PgSqlClient;
  let url: string;

  beforeAll(async () => {
    url = await postgresUrl();
    sql = new PgSqlClient({ connectionString: url, max: 2 });
    const log = await DisclosureLog.create(sql, schema);
    await log.record([1, 2, 3].map((n) => ({
      id: disclosureId('cli', String(n)), kind: 'pull' as const, occurredAt: new Date().toISOString(), subjectId: 's', disclosers: ['oslo-health'],
      recipient: { agency: 'oslo-refugee', actor: 'kari' }, projection: 'person-overview', fields: [], categories: ['health' as const],
      purpose: 'care' as const, bases: [], channel: 'http' as const, logPosition: n,
    })));
  }, 60_000);
  afterAll(async () => {
    await sql?.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_keys CASCADE`);
    await sql?.close();
  });

  const verify = async () => {
    let out = '';
    const code = await runAuditCli(['verify', '--database-url', url, '--schema', schema], { out: (t) => (out += t), err: (t) => (out += t), env: {} });
    return { code, out };
  };

  it('exits 0 on an intact chain and 3 at the deleted record', async () => {
    expect(await verify()).toMatchObject({ code: 0, out: expect.stringContaining('intact, 3 record(s)') });
    // As the table's owner can, with its append-only triggers off.
    await sql.query(`ALTER TABLE ${schema}.disclosures DISABLE TRIGGER USER`);
    await sql.query(`DELETE FROM ${schema}.disclosures WHERE seq = 2`);
    await sql.query(`ALTER TABLE ${schema}.disclosures ENABLE TRIGGER USER`);
    expect(await verify()).toEqual({ code: 3, out: 'BROKEN: disclosure chain broken at record 2: it is missing: a record was deleted.\nRecords 1–1 verify; from record 2 on nothing is proven.\n' });
  });
});
