import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DisclosureLog, type Disclosure } from '@samhandling/audit';
import { PgliteSqlClient, SqlCheckpointStore, SqlEventStore, type RecordedEvent } from '@samhandling/event-store';
import { loadCatalog, type AgencyRef } from '@samhandling/policy';
import { planBatch } from './batch-plan';
import type { Delivery } from './feed-store';
import { FeedStore } from './feed-store';
import { fromEvents } from './identity-with-concern';
import { PolicyTracker } from './policy-tracker';
import { Recipients } from './recipients';
import { Relay } from './relay';
import { partitionOf, type Partition } from './partitions';
import { appendAs } from './testing/relay-fixture';

const catalog = loadCatalog(join(__dirname, '..', '..', '..', 'policy', 'catalog'));
const agencies: AgencyRef[] = [
  { id: 'udi', kind: 'national_authority', municipality: null }, { id: 'oslo-health', kind: 'health', municipality: '0301' },
  { id: 'oslo-refugee', kind: 'refugee_service', municipality: '0301' }, { id: 'oslo-child-welfare', kind: 'child_welfare', municipality: '0301' },
  { id: 'nav-oslo', kind: 'nav', municipality: '0301' },
];

/** A small deterministic generator (the same log on every run). */
function lcg(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}

/**
 * Issue 15, "the relay starts from persisted state": a relay that keeps only a few people's
 * policy states in memory, reads the rest from the table persisted with its checkpoint, and is
 * stopped and started again at arbitrary points decides exactly what one fold of the whole log in
 * memory decides — consents, withdrawals, referrals along their routes, concerns with the identity.
 */
describe('the relay over persisted policy state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'samhandling-relay-state-'));
  let store: SqlEventStore;
  let feed: FeedStore;
  let log: DisclosureLog;
  let events: RecordedEvent[];
  let reference: Disclosure[];
  let referenceDeliveries: Delivery[];

  beforeAll(async () => {
    store = await SqlEventStore.create(await PgliteSqlClient.open(dir));
    feed = await FeedStore.create(store.sqlClient);
    log = await DisclosureLog.create(store.sqlClient);
    const pick = lcg(15);
    const people = Array.from({ length: 10 }, () => randomUUID());
    const consents = new Map<string, string[]>();
    const referrals: string[] = [];
    const now = () => new Date().toISOString();
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    for (const p of people) {
      await appendAs(store, `subject-${p}`, 'udi', 'SubjectRegistered', { subjectId: p, givenName: 'A', familyName: 'B', birthDate: '2015-01-01', registeredBy: 'udi', registeredAt: now() });
    }
    for (let i = 0; i < 160; i++) {
      const p = people[pick(people.length)];
      const roll = pick(10);
      if (roll < 4) {
        const categories = pick(4) === 0 ? ['health', 'child_welfare_concern'] : ['contact_log', 'health'];
        await appendAs(store, `contact-${p}`, 'oslo-health', 'ContactRecorded', {
          contactId: randomUUID(), subjectId: p, agency: 'oslo-health', actor: 'gp', occurredAt: hourAgo, recordedAt: now(),
          channel: 'in_person', categories, summary: 'visit', concerns: categories.length > 1 && categories[1] === 'child_welfare_concern' ? ['worry'] : [], interpreterUsed: false,
        });
      } else if (roll < 6) {
        const consentId = randomUUID();
        consents.set(p, [...(consents.get(p) ?? []), consentId]);
        await appendAs(store, `consent-${p}`, 'oslo-health', 'ConsentGiven', {
          consentId, subjectId: p, decision: 'permit', grantor: { kind: 'self' }, recipients: [{ agency: pick(2) ? 'oslo-refugee' : 'nav-oslo' }],
          categories: ['health', 'contact_log'], purposes: ['follow_up'], validFrom: hourAgo, evidence: { kind: 'written' },
          interpreterUsed: false, recordedBy: 'oslo-health', recordedAt: now(),
        });
      } else if (roll < 7 && consents.get(p)?.length) {
        const consentId = consents.get(p)!.shift()!;
        await appendAs(store, `consent-${p}`, 'oslo-health', 'ConsentWithdrawn', { consentId, subjectId: p, withdrawnBy: 'oslo-health', withdrawnAt: now() });
      } else if (roll < 8) {
        const referralId = randomUUID();
        referrals.push(referralId);
        await appendAs(store, `referral-${referralId}`, 'oslo-health', 'ReferralSent', {
          referralId, subjectId: p, from: 'oslo-health', to: 'oslo-child-welfare', reason: 'worry', categories: ['child_welfare_concern'],
          basis: { kind: 'legal', entryId: 'duty-to-notify-child-welfare' }, acknowledgeBy: now(), answerBy: now(), sentBy: 'nurse', sentAt: now(),
        });
      } else if (referrals.length > 0) {
        const referralId = referrals[pick(referrals.length)];
        await appendAs(store, `referral-${referralId}`, 'oslo-child-welfare', 'ReferralAcknowledged', { referralId, by: 'oslo-child-welfare', actor: 'cw', acknowledgedAt: now() });
      }
    }
    events = await store.readAll({ after: 0, limit: 10_000 });
    // The reference: one fold of the whole log in memory, decided in one pass.
    const whole = planBatch(events, { tracker: new PolicyTracker(), recipients: new Recipients(catalog, agencies), agencies, channel: 'feed', registrations: fromEvents(events) });
    reference = whole.disclosures;
    referenceDeliveries = whole.deliveries;
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const decided: Disclosure[] = [];
  const delivered: Delivery[] = [];
  const said: string[] = [];
  /** Runs a fresh relay (nothing in memory) with a cache of two people and one route, up to `upTo`. */
  const run = async (checkpointName: string, upTo: number, partition?: Partition) => {
    const relay = new Relay({
      store, catalog, agencies, disclosureLog: log, feed, checkpointName, batchSize: 7, cachedSubjects: 2, cachedRoutes: 1, partition,
      onBatch: (plan) => {
        decided.push(...plan.disclosures);
        delivered.push(...plan.deliveries);
      },
      log: (m) => said.push(m),
    });
    await relay.start();
    await relay.reached(upTo);
    await relay.stop();
    return relay;
  };
  const at = (fraction: number) => events[Math.floor(events.length * fraction)].position;
  const key = (d: Disclosure) => JSON.stringify([d.id, d.kind, d.recipient, d.bases, d.categories, d.purpose, d.fields ?? null, d.logPosition]);
  const sorted = (ds: Disclosure[]) => [...new Set(ds.map(key))].sort();
  const sent = (ds: Delivery[]) => [...new Set(ds.map((d) => JSON.stringify([d.agency, d.eventId, d.envelope.basis, d.envelope.disclosureid, d.envelope.categories])))].sort();
  const typeOf = (id: string) => events.find((e) => e.id === id)?.type;

  it('the log exercises what policy state decides: consents, withdrawals, referral routes and the identity with a concern', () => {
    const bases = new Set(reference.flatMap((d) => d.bases.map((b) => b.kind === 'legal' ? b.entryId : b.kind)));
    expect(bases).toEqual(new Set(['consent', 'duty-to-notify-child-welfare', 'referral']));
    expect(reference.some((d) => d.eventIds?.some((id) => typeOf(id) === 'SubjectRegistered'))).toBe(true);
    expect(reference.some((d) => d.eventIds?.some((id) => typeOf(id) === 'ConsentWithdrawn'))).toBe(true);
    // A step of a referral reaches its sender only along the route its ReferralSent opened.
    expect(referenceDeliveries.some((d) => typeOf(d.eventId) === 'ReferralAcknowledged' && d.agency === 'oslo-health')).toBe(true);
  });

  it('stopped and started at three points, with two people in memory, it decides what the whole fold decides, and never folds the log again', async () => {
    decided.length = 0;
    delivered.length = 0;
    said.length = 0;
    await run('lazy', at(0.3));
    await run('lazy', at(0.65));
    const last = await run('lazy', events[events.length - 1].position);
    expect(sorted(decided)).toEqual(sorted(reference));
    expect(sent(delivered)).toEqual(sent(referenceDeliveries));
    expect(said.filter((m) => m.includes('folded'))).toEqual([]);
    expect(last.cached.subjects).toBeLessThanOrEqual(2);
    const rows = await store.sqlClient.query<{ n: string }>(`SELECT count(*) AS n FROM samhandling.relay_policy_state WHERE relay = 'lazy'`);
    expect(Number(rows[0].n)).toBeLessThanOrEqual(10);
  }, 120_000);

  it('after an upgrade (a checkpoint but no persisted states) it folds up to the checkpoint once, then decides the rest the same', async () => {
    const { position: from } = await run('upgraded', at(0.5));
    await store.sqlClient.query(`DELETE FROM samhandling.relay_policy_state WHERE relay = 'upgraded'`);
    await store.sqlClient.query(`DELETE FROM samhandling.relay_policy_position WHERE relay = 'upgraded'`);
    decided.length = 0;
    delivered.length = 0;
    said.length = 0;
    await run('upgraded', events[events.length - 1].position);
    expect(said.filter((m) => m.includes('folded'))).toHaveLength(1);
    expect(sorted(decided)).toEqual(sorted(reference.filter((d) => d.logPosition! > from)));
    expect(sent(delivered)).toEqual(sent(referenceDeliveries.filter((d) => d.position > from)));
  }, 120_000);

  it('with its checkpoint moved back (to deliver again), the states ahead of it are dropped and folded again up to it', async () => {
    await new SqlCheckpointStore(store.sqlClient).store('lazy', at(0.4));
    decided.length = 0;
    delivered.length = 0;
    await run('lazy', events[events.length - 1].position);
    expect(sorted(decided)).toEqual(sorted(reference.filter((d) => d.logPosition! > at(0.4))));
    expect(sent(delivered)).toEqual(sent(referenceDeliveries.filter((d) => d.position > at(0.4))));
  }, 120_000);

  it('cut into three partitions, each stopped and started midway, the partitions together decide what the whole fold decides, each person in one', async () => {
    decided.length = 0;
    delivered.length = 0;
    const owner = new Map<string, number>();
    for (let index = 0; index < 3; index++) {
      const before = delivered.length;
      await run('parts', at(0.5), { index, count: 3 });
      await run('parts', events[events.length - 1].position, { index, count: 3 });
      for (const d of delivered.slice(before)) owner.set(d.subjectId, index);
    }
    expect(sorted(decided)).toEqual(sorted(reference));
    expect(sent(delivered)).toEqual(sent(referenceDeliveries));
    // Every person was delivered by the partition their id hashes to, and the people spread over all three.
    expect([...owner].every(([subject, index]) => partitionOf(subject, 3) === index)).toBe(true);
    expect(new Set(owner.values())).toEqual(new Set([0, 1, 2]));
  }, 120_000);

  it("partitions started over a single relay's checkpoint (or another count's) begin where it stopped: nothing skipped, nothing twice", async () => {
    const { position: from } = await run('grown', at(0.4));
    decided.length = 0;
    delivered.length = 0;
    await run('grown', at(0.7), { index: 0, count: 2 });
    await run('grown', at(0.7), { index: 1, count: 2 });
    expect(sorted(decided)).toEqual(sorted(reference.filter((d) => d.logPosition! > from && d.logPosition! <= at(0.7))));
    // From two partitions to three: each of the three starts at the lower of the single relay's and the two's checkpoints.
    decided.length = 0;
    delivered.length = 0;
    for (let index = 0; index < 3; index++) await run('grown', events[events.length - 1].position, { index, count: 3 });
    expect(sorted(decided)).toEqual(sorted(reference.filter((d) => d.logPosition! > from)));
    expect(sent(delivered)).toEqual(sent(referenceDeliveries.filter((d) => d.position > from)));
  }, 120_000);
});
