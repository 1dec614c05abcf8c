import { join } from 'node:path';
import fc from 'fast-check';
import { consentStatusAt, type DataCategory, type Purpose } from '@samhandling/domain';
import type { RecordedEvent } from '@samhandling/event-store';
import { AgencyPolicy, evolveSubjectPolicy, initialSubjectPolicyState, loadCatalog, partialCategories, type AgencyRef, type DisclosableRecord, type SubjectPolicyState } from '@samhandling/policy';
import { PolicyTracker, statusAt } from './policy-tracker';
import { PUSH_PURPOSES, Recipients } from './recipients';

const catalog = loadCatalog(join(__dirname, '..', '..', '..', 'policy', 'catalog'), { enabled: ['family-reunification-notice'] });
const agencies: AgencyRef[] = [
  { id: 'oslo-health', kind: 'health', municipality: '0301' }, { id: 'bergen-health', kind: 'health', municipality: '4601' },
  { id: 'oslo-refugee', kind: 'refugee_service', municipality: '0301' }, { id: 'oslo-child-welfare', kind: 'child_welfare', municipality: '0301' },
  { id: 'nav-oslo', kind: 'nav', municipality: '0301' }, { id: 'red-cross-oslo', kind: 'voluntary', municipality: '0301' },
  { id: 'oslo-adult-learning', kind: 'adult_learning', municipality: '0301' }, { id: 'imdi', kind: 'national_authority', municipality: null },
];
const ids = agencies.map((a) => a.id);
const T0 = Date.parse('2026-03-01T00:00:00Z');
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();
let position = 0;
const event = (type: string, data: Record<string, unknown>, when: string): RecordedEvent =>
  ({ id: `e${++position}`, streamId: 'x', revision: 0, position, type, data, metadata: {}, recordedAt: when }) as RecordedEvent;

/**
 * What AgencyPolicy answers, built for every agency and purpose from the person's state itself:
 * no decision cache. (Policies are kept per state object and instant, to afford many questions.)
 */
const built = new WeakMap<SubjectPolicyState, Map<string, AgencyPolicy>>();
function uncached(state: SubjectPolicyState, record: DisclosableRecord, owners: string[], when: string, preferred: readonly Purpose[] = []) {
  const policies = built.get(state) ?? new Map<string, AgencyPolicy>();
  built.set(state, policies);
  const out: Array<{ agency: string; purpose: string; categories: DataCategory[]; bases: unknown }> = [];
  for (const agency of agencies) {
    if (owners.includes(agency.id)) continue;
    // The preferred purposes first, in their order, then the rest in PUSH_PURPOSES order.
    const purposes = [...new Set([...preferred, ...PUSH_PURPOSES])];
    const decide = (purpose: Purpose) => {
      const key = `${agency.id}|${purpose}|${when}`;
      let policy = policies.get(key);
      if (!policy) policies.set(key, (policy = AgencyPolicy.build(catalog, { requester: agency, state, purpose, at: when, initiative: 'discloser', agencies })));
      return policy.decide(record);
    };
    // The whole record on the first purpose that gives it all; else the first part that may go alone.
    const whole = purposes.find((p) => decide(p).allowed);
    if (whole) {
      out.push({ agency: agency.id, purpose: whole, categories: record.categories, bases: decide(whole).bases });
      continue;
    }
    const inPart = purposes.find((p) => partialCategories(record, decide(p)) !== undefined);
    if (inPart) out.push({ agency: agency.id, purpose: inPart, categories: partialCategories(record, decide(inPart))!, bases: decide(inPart).bases });
  }
  return out;
}

/**
 * Each step happens to one or more people in turn, so that people given the same steps have the
 * same shape and a decision cached for one is given out to another, which must cite that
 * person's own consents, referrals and designation. Ids are mostly each person's own (`s2-c1`),
 * sometimes alike in several people's states (`c1`), and now and then one person's step names
 * another consent or referral than the others' (same shape, other position). Each person's
 * consent instants are shifted by their own skew: other times, often the same statuses. A record
 * may cite another person's consent or referral, and is asked about at several instants.
 */
const SUBJECTS = ['s1', 's2', 's3'];
// Mostly everyone, in an order of its own each time: whoever asks first builds what the others reuse.
const subjects = fc.oneof({ arbitrary: fc.shuffledSubarray(SUBJECTS, { minLength: SUBJECTS.length }), weight: 3 }, { arbitrary: fc.shuffledSubarray(SUBJECTS, { minLength: 1 }), weight: 2 });
type Ref = { local: string; scope: string };
/** One ref for the step, with now and then another for one of the people. */
const perSubject = (ref: fc.Arbitrary<Ref>) => fc.record({
  ref, instead: fc.array(fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: ref, weight: 1 }), { minLength: SUBJECTS.length, maxLength: SUBJECTS.length }),
});
type PerSubject = { ref: Ref; instead: Array<Ref | undefined> };
const consentRef = fc.record({ local: fc.constantFrom('c1', 'c1', 'c2', 'c3'), scope: fc.constantFrom('own', 'own', 'own', 'shared') });
const referralRef = fc.record({ local: fc.constantFrom('r1', 'r1', 'r2'), scope: fc.constantFrom('own', 'own', 'own', 'shared') });
const idOf = (subject: string, { ref, instead }: PerSubject) => {
  const { local, scope } = instead[SUBJECTS.indexOf(subject)] ?? ref;
  return scope === 'shared' ? local
    : scope === 'other' ? `${SUBJECTS[(SUBJECTS.indexOf(subject) + 1) % SUBJECTS.length]}-${local}`
    : `${subject}-${local}`;
};
const sharingBasis = fc.oneof(
  perSubject(consentRef).map((ref) => ({ kind: 'consent' as const, ref })),
  fc.constantFrom('paa-13b-1-5', 'ia-41', 'nav-7').map((entryId) => ({ kind: 'legal' as const, entryId })),
);
const basisOf = (subject: string, b: { kind: 'consent'; ref: PerSubject } | { kind: 'legal'; entryId: string }) =>
  b.kind === 'consent' ? { kind: 'consent', consentId: idOf(subject, b.ref) } : { kind: 'legal', entryId: b.entryId };

const minute = fc.integer({ min: 0, max: 30 });
// Few categories, so that records with the same labels come back, for other people and at other
// instants; contact logs and referrals, what a coordinator sees, most often.
const categories = fc.uniqueArray(
  fc.constantFrom<DataCategory>('contact_log', 'contact_log', 'referral', 'referral', 'identity', 'health', 'education', 'welfare', 'child_welfare_concern'), { minLength: 1, maxLength: 2 },
);
// Consents, referrals and designations mostly concern a few agencies, so that they meet.
const named = fc.oneof({ arbitrary: fc.constantFrom('oslo-refugee', 'nav-oslo', 'oslo-health'), weight: 3 }, { arbitrary: fc.constantFrom(...ids), weight: 1 });
const recipient = fc.oneof(named.map((agency) => ({ agency })), fc.constantFrom('health', 'voluntary', 'nav', 'refugee_service').map((agencyKind) => ({ agencyKind })));
// Who recorded a consent and what its evidence is worth decide whose records it unlocks (consent provenance).
// Like ids, now and then one person's differs from the others': the cache must tell them apart.
const perPerson = <T>(usual: fc.Arbitrary<T>) => fc.record({
  usual, instead: fc.array(fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: usual, weight: 1 }), { minLength: SUBJECTS.length, maxLength: SUBJECTS.length }),
});
const forPerson = <T>(subject: string, p: { usual: T; instead: Array<T | undefined> }): T => p.instead[SUBJECTS.indexOf(subject)] ?? p.usual;
const provenance = {
  recordedBy: perPerson(fc.oneof({ arbitrary: named, weight: 3 }, { arbitrary: fc.constant(undefined), weight: 1 })),
  evidence: fc.constantFrom({ kind: 'written' }, { kind: 'written', reference: 'form', sha256: 'a'.repeat(64) }, { kind: 'digital', reference: 'tx', sha256: 'b'.repeat(64) }),
};
const consentTerms = {
  categories, purposes: fc.uniqueArray(fc.constantFrom(...PUSH_PURPOSES), { minLength: 1, maxLength: 3 }), from: minute, until: fc.option(minute, { nil: undefined }), ...provenance,
};
/** A record asked about: several, each with another person asking first (builder and asker differ). */
const ask = fc.record({
  kind: fc.constantFrom('contact', 'consent', 'referral', 'identity'),
  consent: perSubject(fc.record({ local: fc.constantFrom('c1', 'c2'), scope: fc.constantFrom('own', 'own', 'shared', 'other') })),
  referral: perSubject(fc.record({ local: fc.constantFrom('r1', 'r2'), scope: fc.constantFrom('own', 'own', 'shared', 'other') })),
});
const step = fc.oneof(
  fc.record({
    type: fc.constant('ConsentGiven' as const), subjects, consent: perSubject(consentRef), decision: fc.constantFrom('permit', 'permit', 'deny'),
    // Often just the one agency, so that a person has several consents naming it, in one order or another.
    recipients: fc.oneof({ arbitrary: fc.constant([{ agency: 'oslo-refugee' }]), weight: 1 }, { arbitrary: fc.array(recipient, { minLength: 1, maxLength: 2 }), weight: 2 }), ...consentTerms,
  }),
  fc.record({ type: fc.constant('ConsentWithdrawn' as const), subjects, consent: perSubject(consentRef), at: minute }),
  // Another discloser's answer: it relies on the consent for its records, or will not.
  fc.record({ type: fc.constant('ConsentAnswered' as const), subjects, consent: perSubject(consentRef), by: perPerson(named), confirmed: fc.boolean() }),
  fc.record({ type: fc.constant('ReferralSent' as const), subjects, referral: perSubject(referralRef), from: fc.constantFrom(...ids), to: named, categories, basis: sharingBasis }),
  fc.record({ type: fc.constant('ResidenceGranted' as const), subjects, municipality: fc.constantFrom('0301', '4601') }),
  // A concern recorded by some agency: opens the person's identity to child welfare when that agency may notify.
  fc.record({ type: fc.constant('ConcernRaised' as const), subjects, agency: fc.constantFrom('oslo-health', 'red-cross-oslo', 'nav-oslo') }),
  fc.record({ type: fc.constant('CoordinatorDesignated' as const), subjects, agency: named, designatedBy: fc.constantFrom(...ids), basis: sharingBasis }),
  // A consent naming an agency, and its designation as coordinator on that consent.
  fc.record({ type: fc.constant('DesignatedOnConsent' as const), subjects, consent: perSubject(consentRef), agency: named, designatedBy: fc.constantFrom(...ids), ...consentTerms }),
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('Record' as const), subjects, owner: fc.constantFrom('oslo-health', 'oslo-refugee', 'nav-oslo', 'imdi'), categories,
      asks: fc.array(ask, { minLength: 1, maxLength: 3 }), alsoAt: fc.uniqueArray(minute, { maxLength: 2 }),
      // Purposes the event prefers (a referral's declared one, or its basis's): mostly none.
      preferred: fc.oneof({ arbitrary: fc.constant([] as Purpose[]), weight: 2 }, { arbitrary: fc.uniqueArray(fc.constantFrom(...PUSH_PURPOSES), { minLength: 1, maxLength: 2 }), weight: 1 }),
    }),
  },
);

describe('Recipients: the decision cache answers exactly what AgencyPolicy answers', () => {
  it('over random histories of several people, sharing shapes but not ids, at every instant', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(step, minute), { minLength: 1, maxLength: 25 }),
        fc.array(fc.constantFrom(0, 0, 0, 1, 5), { minLength: SUBJECTS.length, maxLength: SUBJECTS.length }),
        (steps, skews) => {
          const tracker = new PolicyTracker();
          const recipients = new Recipients(catalog, agencies);
          const states = new Map<string, SubjectPolicyState>();
          const stateOf = (subjectId: string) => states.get(subjectId) ?? initialSubjectPolicyState(subjectId);
          for (const [s, when] of steps) {
            if (s.type === 'Record') {
              s.asks.forEach((a, k) => {
                for (const subjectId of [...s.subjects.slice(k % s.subjects.length), ...s.subjects.slice(0, k % s.subjects.length)]) {
                  const record: DisclosableRecord = {
                    kind: a.kind as DisclosableRecord['kind'], subjectId, ownerAgency: s.owner, categories: s.categories,
                    ...(a.kind === 'consent' ? { consentId: idOf(subjectId, a.consent) } : {}), ...(a.kind === 'referral' ? { referralId: idOf(subjectId, a.referral) } : {}),
                  };
                  for (const instant of [when, ...s.alsoAt].map(at)) {
                    const expected = uncached(stateOf(subjectId), record, [s.owner], instant, s.preferred);
                    // Twice: the second answer comes from the cache.
                    for (let i = 0; i < 2; i++) {
                      const cached = recipients.of(tracker.subject(subjectId), record, [s.owner], instant, s.preferred).map((g) => ({ agency: g.agency.id, purpose: g.purpose, categories: g.categories, bases: g.bases }));
                      expect(cached).toStrictEqual(expected);
                    }
                  }
                }
              });
              continue;
            }
            for (const subjectId of s.subjects) {
              const skew = skews[SUBJECTS.indexOf(subjectId)];
              const terms = (t: { categories: DataCategory[]; purposes: string[]; from: number; until?: number; recordedBy: { usual: string | undefined; instead: Array<string | undefined> }; evidence: object }) => {
                const recordedBy = forPerson(subjectId, t.recordedBy);
                return {
                  categories: t.categories, purposes: t.purposes, validFrom: at(t.from + skew), ...(t.until !== undefined ? { validUntil: at(t.from + skew + t.until + 1) } : {}),
                  ...(recordedBy !== undefined ? { recordedBy } : {}), evidence: t.evidence,
                };
              };
              const events: Array<[string, Record<string, unknown>]> =
                s.type === 'ConsentGiven' ? [['ConsentGiven', { subjectId, consentId: idOf(subjectId, s.consent), decision: s.decision, recipients: s.recipients, ...terms(s) }]]
                : s.type === 'ConsentWithdrawn' ? [['ConsentWithdrawn', { subjectId, consentId: idOf(subjectId, s.consent), withdrawnAt: at(s.at + skew) }]]
                : s.type === 'ConsentAnswered' ? [s.confirmed
                  ? ['ConsentConfirmed', { subjectId, consentId: idOf(subjectId, s.consent), confirmedBy: forPerson(subjectId, s.by), confirmedAt: at(when) }]
                  : ['ConsentRejected', { subjectId, consentId: idOf(subjectId, s.consent), rejectedBy: forPerson(subjectId, s.by), rejectedAt: at(when), reason: 'No form on file' }]]
                : s.type === 'ReferralSent' ? [['ReferralSent', { subjectId, referralId: idOf(subjectId, s.referral), from: s.from, to: s.to, categories: s.categories, basis: basisOf(subjectId, s.basis) }]]
                : s.type === 'ResidenceGranted' ? [['ResidenceGranted', { subjectId, municipality: s.municipality, familyReunification: true }]]
                : s.type === 'ConcernRaised' ? [['ContactRecorded', { subjectId, agency: s.agency, categories: ['child_welfare_concern'] }]]
                : s.type === 'CoordinatorDesignated' ? [['CoordinatorDesignated', { subjectId, agency: s.agency, basis: basisOf(subjectId, s.basis), designatedBy: s.designatedBy }]]
                : [
                  ['ConsentGiven', { subjectId, consentId: idOf(subjectId, s.consent), decision: 'permit', recipients: [{ agency: s.agency }], ...terms(s) }],
                  ['CoordinatorDesignated', { subjectId, agency: s.agency, basis: { kind: 'consent', consentId: idOf(subjectId, s.consent) }, designatedBy: s.designatedBy }],
                ];
              for (const [type, data] of events) {
                const e = event(type, data, at(when));
                tracker.apply(e);
                states.set(subjectId, evolveSubjectPolicy(stateOf(subjectId), e));
              }
            }
          }
        },
      ),
      { numRuns: 250, seed: 20261125 },
    );
  });

  it('gives two people with the same facts but their own ids grants citing their own consent, referral and designation, from one set of policies', () => {
    const tracker = new PolicyTracker();
    const recipients = new Recipients(catalog, agencies);
    const when = at(10);
    const history = (person: string) => [
      event('ConsentGiven', {
        subjectId: person, consentId: `${person}-consent`, decision: 'permit', recipients: [{ agency: 'oslo-refugee' }, { agency: 'nav-oslo' }],
        categories: ['health', 'contact_log'], purposes: ['follow_up', 'coordination'], validFrom: at(person === 'amina' ? 1 : 2), recordedBy: 'oslo-health',
      }, when),
      event('ReferralSent', {
        subjectId: person, referralId: `${person}-referral`, from: 'oslo-health', to: 'nav-oslo', categories: ['health'],
        basis: { kind: 'consent', consentId: `${person}-consent` },
      }, when),
      event('CoordinatorDesignated', { subjectId: person, agency: 'oslo-refugee', designatedBy: 'oslo-health', basis: { kind: 'consent', consentId: `${person}-consent` } }, when),
    ];
    const grants = (person: string) => {
      const health = { kind: 'contact' as const, subjectId: person, ownerAgency: 'oslo-health', categories: ['health' as DataCategory] };
      const referral = { kind: 'referral' as const, subjectId: person, ownerAgency: 'oslo-health', referralId: `${person}-referral`, categories: ['referral', 'health'] as DataCategory[] };
      const escalation = { ...referral, categories: ['referral'] as DataCategory[] };
      return [health, referral, escalation].map((record) =>
        recipients.of(tracker.subject(person), record, ['oslo-health'], when).map((g) => ({ agency: g.agency.id, purpose: g.purpose, bases: g.bases })));
    };
    const cites = (person: string) => {
      const consent = { kind: 'consent', consentId: `${person}-consent`, entryId: 'consent', version: catalog.currentVersion };
      const referral = { kind: 'referral', referralId: `${person}-referral`, referralBasis: { kind: 'consent', consentId: `${person}-consent` } };
      const coordination = { kind: 'coordination', agency: 'oslo-refugee', designationBasis: { kind: 'consent', consentId: `${person}-consent` } };
      return [
        [{ agency: 'oslo-refugee', purpose: 'follow_up', bases: [consent] }, { agency: 'nav-oslo', purpose: 'follow_up', bases: [consent] }],
        [{ agency: 'oslo-refugee', purpose: 'follow_up', bases: [coordination, consent] }, { agency: 'nav-oslo', purpose: 'care', bases: [referral] }],
        [{ agency: 'oslo-refugee', purpose: 'follow_up', bases: [coordination] }, { agency: 'nav-oslo', purpose: 'care', bases: [referral] }],
      ];
    };
    for (const e of [...history('amina'), ...history('yonas')]) tracker.apply(e);

    expect(grants('amina')).toStrictEqual(cites('amina'));
    const build = jest.spyOn(AgencyPolicy, 'build');
    try {
      expect(grants('yonas')).toStrictEqual(cites('yonas'));
      expect(build).not.toHaveBeenCalled();
    } finally {
      build.mockRestore();
    }
  });

  it('tells apart which of a person\'s consents a record or a designation names, how many referrals they have, where they live, and whose ids a record cites', () => {
    const tracker = new PolicyTracker();
    const recipients = new Recipients(catalog, agencies);
    const states = new Map<string, SubjectPolicyState>();
    const when = at(10);
    const apply = (type: string, data: Record<string, unknown>) => {
      const e = event(type, data, when);
      tracker.apply(e);
      states.set(data.subjectId as string, evolveSubjectPolicy(states.get(data.subjectId as string) ?? initialSubjectPolicyState(data.subjectId as string), e));
    };
    const consent = (subjectId: string, consentId: string, decision: string, categories: DataCategory[], purposes: string[], withdrawn = false) => {
      apply('ConsentGiven', { subjectId, consentId, decision, recipients: [{ agency: 'oslo-refugee' }], categories, purposes, validFrom: at(0) });
      if (withdrawn) apply('ConsentWithdrawn', { subjectId, consentId, withdrawnAt: at(5) });
    };
    const check = (subjectId: string, record: Omit<DisclosableRecord, 'subjectId'>) => {
      const full = { ...record, subjectId };
      const cached = recipients.of(tracker.subject(subjectId), full, [record.ownerAgency], when).map((g) => ({ agency: g.agency.id, purpose: g.purpose, categories: g.categories, bases: g.bases }));
      expect(cached).toStrictEqual(uncached(states.get(subjectId)!, full, [record.ownerAgency], when));
    };
    const contactLog = { kind: 'contact' as const, ownerAgency: 'oslo-health', categories: ['contact_log'] as DataCategory[] };
    const identity = { kind: 'identity' as const, ownerAgency: 'imdi', categories: ['identity'] as DataCategory[] };
    // Pairs of people alike but for one thing the cache key must hold, asked in turn: the second is
    // answered with what the first left in the cache, unless the key tells them apart.

    // A record naming the first of two consents (a permit) or the second (an objection).
    for (const p of ['p1', 'p2']) {
      consent(p, `${p}-yes`, 'permit', ['health'], ['follow_up']);
      consent(p, `${p}-no`, 'deny', ['welfare'], ['care']);
    }
    check('p1', { kind: 'consent', ownerAgency: 'oslo-health', categories: ['health'], consentId: 'p1-yes' });
    check('p2', { kind: 'consent', ownerAgency: 'oslo-health', categories: ['health'], consentId: 'p2-no' });

    // The coordinator designated on a consent in force, or on its withdrawn twin.
    for (const [q, on] of [['q1', 'withdrawn'], ['q2', 'active']]) {
      consent(q, `${q}-active`, 'permit', ['health'], ['care']);
      consent(q, `${q}-withdrawn`, 'permit', ['health'], ['care'], true);
      apply('CoordinatorDesignated', { subjectId: q, agency: 'oslo-refugee', designatedBy: 'oslo-health', basis: { kind: 'consent', consentId: `${q}-${on}` } });
    }
    check('q1', contactLog);
    check('q2', contactLog);

    // One referral to NAV, or two, asked about the second.
    for (const [r, count] of [['r1', 1], ['r2', 2]] as const) {
      for (let i = 1; i <= count; i++) apply('ReferralSent', { subjectId: r, referralId: `${r}-ref${i}`, from: 'oslo-health', to: 'nav-oslo', categories: ['health'], basis: { kind: 'legal', entryId: 'paa-13b-1-5' } });
    }
    check('r1', { kind: 'referral', ownerAgency: 'oslo-health', categories: ['referral', 'health'], referralId: 'r1-ref1' });
    check('r2', { kind: 'referral', ownerAgency: 'oslo-health', categories: ['referral', 'health'], referralId: 'r2-ref2' });

    // Settled in the refugee service's municipality or not (the arrival notice's condition).
    apply('ResidenceGranted', { subjectId: 'm1', municipality: '0301', familyReunification: true });
    apply('ResidenceGranted', { subjectId: 'm2', municipality: '4601', familyReunification: true });
    check('m1', identity);
    check('m2', identity);

    // A record naming a consent of someone else's that the policy's builder holds under that very id:
    // not the asker's, so not shown on it (here the arrival notice's legal basis, not that consent).
    for (const [e, id] of [['e1', 'same-id'], ['e2', 'e2-own']]) {
      apply('ResidenceGranted', { subjectId: e, municipality: '0301', familyReunification: true });
      consent(e, id, 'permit', ['health'], ['care']);
    }
    check('e1', identity);
    check('e2', { ...identity, kind: 'consent', consentId: 'same-id' });
    // The same with a referral: NAV, involved, gets it on the legal basis, not on the builder's referral.
    for (const [f, id] of [['f1', 'same-ref'], ['f2', 'f2-own']]) {
      apply('ReferralSent', { subjectId: f, referralId: id, from: 'oslo-refugee', to: 'nav-oslo', categories: ['education'], basis: { kind: 'legal', entryId: 'paa-13b-1-5' } });
    }
    check('f1', { kind: 'contact', ownerAgency: 'oslo-refugee', categories: ['referral'] });
    check('f2', { kind: 'referral', ownerAgency: 'oslo-refugee', categories: ['referral'], referralId: 'same-ref' });
  });

  it('grants child welfare the concern part of a health contact, cached as AgencyPolicy decides it, for each person with their own objection or not', () => {
    const tracker = new PolicyTracker();
    const recipients = new Recipients(catalog, agencies);
    const states = new Map<string, SubjectPolicyState>();
    const when = at(10);
    const apply = (type: string, data: Record<string, unknown>) => {
      const e = event(type, data, when);
      tracker.apply(e);
      states.set(data.subjectId as string, evolveSubjectPolicy(states.get(data.subjectId as string) ?? initialSubjectPolicyState(data.subjectId as string), e));
    };
    const mixed = (subjectId: string): DisclosableRecord => ({ kind: 'contact', subjectId, ownerAgency: 'oslo-health', categories: ['health', 'child_welfare_concern'] });
    const identityOnly = (subjectId: string): DisclosableRecord => ({ kind: 'contact', subjectId, ownerAgency: 'oslo-refugee', categories: ['identity', 'health'] });
    for (const p of ['k1', 'k2', 'k3']) apply('ContactRecorded', { subjectId: p, agency: 'oslo-health', categories: ['health', 'child_welfare_concern'] });
    // An objection to child welfare does not stand against the duty to notify.
    apply('ConsentGiven', { subjectId: 'k3', consentId: 'k3-no', decision: 'deny', recipients: [{ agencyKind: 'child_welfare' }], categories: ['child_welfare_concern', 'health'], purposes: ['child_protection'], validFrom: at(0) });
    for (const p of ['k1', 'k2', 'k3']) {
      for (const record of [mixed(p), identityOnly(p)]) {
        for (let i = 0; i < 2; i++) {
          const cached = recipients.of(tracker.subject(p), record, [record.ownerAgency], when).map((g) => ({ agency: g.agency.id, purpose: g.purpose, categories: g.categories, bases: g.bases }));
          expect(cached).toStrictEqual(uncached(states.get(p)!, record, [record.ownerAgency], when));
        }
      }
      expect(recipients.of(tracker.subject(p), mixed(p), ['oslo-health'], when).map((g) => [g.agency.id, g.purpose, g.categories])).toEqual([['oslo-child-welfare', 'child_protection', ['child_welfare_concern']]]);
      expect(recipients.of(tracker.subject(p), identityOnly(p), ['oslo-refugee'], when)).toEqual([]);
    }
  });

  it('works out consent statuses from instants parsed once exactly as consentStatusAt does, at and around every instant', () => {
    const agency = agencies[2];
    fc.assert(
      fc.property(minute, fc.option(minute, { nil: undefined }), fc.option(minute, { nil: undefined }), minute, fc.constantFrom('Z', '+01:00', '-05:30', 'malformed'), (from, until, withdrawn, asked, offset) => {
        // Instants written with an offset of their own (compared as times, not strings), or not instants at all.
        const written = (m: number) => {
          if (offset === 'Z') return at(m);
          if (offset === 'malformed') return m % 2 === 0 ? at(m) : `minute ${m}`;
          const minutes = (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4)));
          return new Date(T0 + (m + minutes) * 60_000).toISOString().replace('Z', offset);
        };
        const tracker = new PolicyTracker();
        tracker.apply(event('ConsentGiven', {
          subjectId: 's', consentId: 'c', decision: 'permit', recipients: [{ agency: agency.id }], categories: ['health'], purposes: ['care'],
          validFrom: written(from), ...(until !== undefined ? { validUntil: written(until) } : {}),
        }, at(0)));
        if (withdrawn !== undefined) tracker.apply(event('ConsentWithdrawn', { subjectId: 's', consentId: 'c', withdrawnAt: written(withdrawn) }, at(0)));
        const [c] = tracker.subject('s').factsFor(agency).consents;
        const outcome = (status: () => string) => {
          try {
            return status();
          } catch (error) {
            return `throws ${(error as Error).message}`;
          }
        };
        expect(outcome(() => statusAt(c, Date.parse(at(asked)), at(asked)))).toBe(outcome(() => consentStatusAt(c.consent, at(asked))));
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });
});
