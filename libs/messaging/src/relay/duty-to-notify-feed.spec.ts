import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DisclosureLog } from '@samhandling/audit';
import { PgliteSqlClient, SqlEventStore } from '@samhandling/event-store';
import { loadCatalog, type AgencyRef } from '@samhandling/policy';
import { FeedStore } from './feed-store';
import { Relay } from './relay';
import { appendAs } from './testing/relay-fixture';

const catalog = loadCatalog(join(__dirname, '..', '..', '..', 'policy', 'catalog'));
const agencies: AgencyRef[] = [
  { id: 'udi', kind: 'national_authority', municipality: null }, { id: 'oslo-health', kind: 'health', municipality: '0301' },
  { id: 'oslo-child-welfare', kind: 'child_welfare', municipality: '0301' }, { id: 'nav-oslo', kind: 'nav', municipality: '0301' },
];
const HEALTH_TEXT = 'Iron deficiency, supplements prescribed';

describe('the relay over the embedded store: the feed serves child welfare the concern part and the identity, and a restart decides the same', () => {
  const dir = mkdtempSync(join(tmpdir(), 'samhandling-notify-'));
  let store: SqlEventStore;
  let feed: FeedStore;
  let log: DisclosureLog;

  beforeAll(async () => {
    store = await SqlEventStore.create(await PgliteSqlClient.open(dir));
    feed = await FeedStore.create(store.sqlClient);
    log = await DisclosureLog.create(store.sqlClient);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (checkpointName: string, upTo: number) => {
    const relay = new Relay({ store, catalog, agencies, disclosureLog: log, feed, checkpointName, batchSize: 2 });
    await relay.start();
    await relay.reached(upTo);
    await relay.stop();
  };

  it('delivers the redacted concern and then the registration, once, whichever relay run decided them', async () => {
    const sara = randomUUID();
    const reg = await appendAs(store, `subject-${sara}`, 'udi', 'SubjectRegistered', { subjectId: sara, givenName: 'Sara', familyName: 'Haile', birthDate: '2015-09-01', registeredBy: 'udi', registeredAt: new Date().toISOString() });
    const concern = await appendAs(store, `contact-${sara}`, 'oslo-health', 'ContactRecorded', {
      contactId: randomUUID(), subjectId: sara, agency: 'oslo-health', actor: 'dr.hansen', occurredAt: new Date().toISOString(), recordedAt: new Date().toISOString(),
      channel: 'in_person', categories: ['health', 'child_welfare_concern'], summary: HEALTH_TEXT, concerns: ['Signs of neglect'], interpreterUsed: false,
    });
    await run('first', concern.position);
    // A relay that starts from scratch (another checkpoint) decides it all again: nothing new is recorded or fed.
    await run('second', concern.position);

    const page = await feed.read('oslo-child-welfare', 0, 10);
    expect(page.events.map((e) => e.id)).toEqual([concern.id, reg.id]);
    const [toldConcern, toldWhom] = page.events;
    expect(toldConcern).toMatchObject({ categories: ['child_welfare_concern'], redacted: ['actor', 'summary'], data: { concerns: ['Signs of neglect'], categories: ['child_welfare_concern'] } });
    expect(JSON.stringify(page.events)).not.toContain(HEALTH_TEXT);
    expect(toldWhom).toMatchObject({ type: 'no.samhandling.SubjectRegistered.v1', categories: ['identity'], data: { givenName: 'Sara' }, basis: [expect.stringMatching(/^legal:duty-to-notify-child-welfare@/)] });
    expect((await feed.read('nav-oslo', 0, 10)).events).toEqual([]);

    const records = (await log.read({ subjectId: sara, limit: 10 })).map((r) => r.disclosure);
    expect(records.map((d) => [d.recipient.agency, d.eventIds, d.categories])).toEqual([
      ['oslo-child-welfare', [concern.id], ['child_welfare_concern']], ['oslo-child-welfare', [reg.id], ['identity']],
    ]);
    expect(records.map((d) => d.id)).toEqual([toldConcern.disclosureid, toldWhom.disclosureid]);
    expect(records[0].fields).toEqual(Object.keys(toldConcern.data));
  }, 60_000);
});
