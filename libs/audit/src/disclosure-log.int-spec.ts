import { PgSqlClient } from '@samhandling/event-store';
import { postgresUrl, uniqueSchema } from '../../testing/src/services';
import { disclosureId, type Disclosure } from './disclosure';
import { DisclosureLog } from './disclosure-log';

const disclosure = (n: number): Disclosure => ({
  id: disclosureId('pg', String(n)), kind: 'pull', occurredAt: new Date().toISOString(), subjectId: `subject-${n % 7}`,
  disclosers: ['oslo-health'], recipient: { agency: 'oslo-refugee', actor: 'kari' }, projection: 'person-overview',
  fields: ['consentSummary'], categories: ['health'], purpose: 'follow_up',
  bases: [{ kind: 'consent', consentId: 'c1', entryId: 'consent', version: '2026-01' }], channel: 'http', logPosition: n,
});

describe('DisclosureLog on PostgreSQL: concurrent writers from several processes', () => {
  const schema = uniqueSchema('audit');
  const clients: PgSqlClient[] = [];

  afterAll(async () => {
    await clients[0]?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await Promise.all(clients.map((c) => c.close()));
  });

  it('keeps one unbroken chain, each id once, whichever path each write takes', async () => {
    const url = await postgresUrl();
    // Three "API instances", each with its own pool and its own idea of the chain's head.
    const logs = [];
    for (let i = 0; i < 3; i++) {
      const client = new PgSqlClient({ connectionString: url, max: 4 });
      clients.push(client);
      logs.push(await DisclosureLog.create(client, schema));
    }
    const writes: Array<Promise<unknown>> = [];
    for (let n = 1; n <= 240; n++) {
      const log = logs[n % 3];
      // Every tenth write repeats an earlier id (a retried read); every seventh joins a caller's transaction (as the relay does).
      const batch = n % 10 === 0 ? [disclosure(n - 5), disclosure(n)] : [disclosure(n)];
      writes.push(n % 7 === 0 ? clients[n % 3].transaction((tx) => log.record(batch, tx)) : log.record(batch));
    }
    await Promise.all(writes);
    const chain = await logs[0].read({ limit: 1000 });
    expect(chain.map((r) => r.disclosure.logPosition).sort((a, b) => a - b)).toEqual(Array.from({ length: 240 }, (_, i) => i + 1));
    expect(await logs[1].verify()).toMatchObject({ ok: true, records: 240 });
  }, 60_000);
});
