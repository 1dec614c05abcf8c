import { PgSqlClient, type SqlEventStore, type SqlExecutor } from '@samhandling/event-store';
import { EVENT_STORE } from '../platform/store/store.module';
import { postgresUrl, uniqueSchema } from '../../../../libs/testing/src/services';
import { ApiHarness, consentBody, contactBody } from '../testing/api-harness';

/**
 * A projection row held locked by another transaction stops its lane's commits, exactly as a lane
 * far behind or rebuilding would: PostgreSQL only, where a second connection can hold the lock.
 */
async function holding(url: string, schema: string, projection: string, key: string): Promise<{ release(): Promise<void> }> {
  const sql = new PgSqlClient(url);
  let release!: () => void;
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const done = sql.transaction(async (tx: SqlExecutor) => {
    const rows = await tx.query(`SELECT 1 FROM ${schema}.projection_state WHERE projection = $1 AND key = $2 FOR UPDATE`, [projection, key]);
    if (rows.length !== 1) throw new Error(`no ${projection} row for ${key} to hold`);
    locked();
    await new Promise<void>((resolve) => (release = resolve));
  });
  await Promise.race([isLocked, done]);
  return {
    async release() {
      release();
      await done;
      await sql.close();
    },
  };
}

describe('reads while a projection lags (API on PostgreSQL)', () => {
  let url: string;
  let api: ApiHarness | undefined;
  const schema = uniqueSchema('stale_reads');

  beforeAll(async () => {
    url = await postgresUrl();
    api = await ApiHarness.start({ databaseUrl: url, schema, env: { READ_WAIT_MS: '200', POLICY_WAIT_MS: '300', SCHEDULER_ENABLED: 'false' } });
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    if (!url) return;
    const sql = new PgSqlClient(url);
    await sql.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_keys CASCADE`);
    await sql.close();
  });

  it('answers at once with what is there, marked stale with its lag, yet decides on the current policy state', async () => {
    const a = api!;
    const read = async (as: string, subjectId: string) =>
      a.http.get(`/subjects/${subjectId}/projections/contact-history?purpose=follow_up`).set('Authorization', `Bearer ${await a.token(as)}`);
    const subjectId = await a.registerSubject();
    const first = contactBody({ categories: ['contact_log', 'health'], summary: 'First health contact' });
    expect((await a.post(`/subjects/${subjectId}/contacts`, first, { as: 'oslo-health' })).status).toBe(201);
    // The health service records the person's consent to share with the refugee service: it may rely on its own record.
    const consent = consentBody({ recipients: [{ agency: 'oslo-refugee' }], categories: ['contact_log', 'health'], purposes: ['follow_up'] });
    expect((await a.post(`/subjects/${subjectId}/consents`, consent, { as: 'oslo-health' })).status).toBe(201);
    const fresh = await read('oslo-refugee', subjectId);
    expect({ status: fresh.status, stale: fresh.body.stale, lag: fresh.body.lag }).toEqual({ status: 200, stale: false, lag: 0 });
    expect(fresh.body.data.contacts.map((c: { contactId: string }) => c.contactId)).toContain(first.contactId);

    const held = await holding(url, schema, 'contact-history', subjectId);
    try {
      // A command does not wait for the read models.
      const second = contactBody({ categories: ['contact_log', 'health'], summary: 'Second health contact' });
      expect((await a.post(`/subjects/${subjectId}/contacts`, second, { as: 'oslo-health' })).status).toBe(201);
      const stale = await read('oslo-refugee', subjectId);
      const head = await a.app.get<SqlEventStore>(EVENT_STORE).headPosition();
      expect({ status: stale.status, stale: stale.body.stale, lag: stale.body.lag, logPosition: stale.body.logPosition })
        .toEqual({ status: 200, stale: true, lag: head - fresh.body.logPosition, logPosition: fresh.body.logPosition });
      const shown = stale.body.data.contacts.map((c: { contactId: string }) => c.contactId);
      expect(shown).toContain(first.contactId);
      expect(shown).not.toContain(second.contactId);

      // The withdrawal reaches the policy's own lane at once: the stale records are no longer disclosed.
      expect((await a.post(`/subjects/${subjectId}/consents/${consent.consentId}/withdrawal`, { reason: 'Changed my mind' }, { as: 'oslo-health' })).status).toBe(201);
      const withdrawn = await read('oslo-refugee', subjectId);
      expect({ status: withdrawn.status, error: withdrawn.body.error, reason: withdrawn.body.reason }).toEqual({ status: 403, error: 'POLICY.DENIED', reason: 'consent_withdrawn' });
    } finally {
      await held.release();
    }
    const own = await read('oslo-health', subjectId);
    expect({ status: own.status, stale: own.body.stale, lag: own.body.lag }).toEqual({ status: 200, stale: false, lag: 0 });
    expect(own.body.data.contacts).toHaveLength(2);
  }, 60_000);

  it('never decides on a stale policy state: 503 READ.POLICY_CATCHING_UP with Retry-After, then answers once it has caught up', async () => {
    const a = api!;
    const subjectId = await a.registerSubject();
    expect((await a.post(`/subjects/${subjectId}/contacts`, contactBody(), { as: 'oslo-refugee' })).status).toBe(201);
    const held = await holding(url, schema, 'policy-state', subjectId);
    let refused;
    try {
      expect((await a.post(`/subjects/${subjectId}/contacts`, contactBody(), { as: 'oslo-refugee' })).status).toBe(201);
      refused = await a.http.get(`/subjects/${subjectId}/projections/person-overview?purpose=follow_up`).set('Authorization', `Bearer ${await a.token('oslo-refugee')}`);
    } finally {
      await held.release();
    }
    expect({ status: refused.status, error: refused.body.error, retryAfter: refused.headers['retry-after'] }).toEqual({ status: 503, error: 'READ.POLICY_CATCHING_UP', retryAfter: '5' });
    const after = await a.http.get(`/subjects/${subjectId}/projections/person-overview?purpose=follow_up`).set('Authorization', `Bearer ${await a.token('oslo-refugee')}`);
    expect({ status: after.status, stale: after.body.stale }).toEqual({ status: 200, stale: false });
  }, 60_000);
});
