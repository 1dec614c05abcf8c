import { join } from 'node:path';
import fc from 'fast-check';
import { DATA_CATEGORIES, type DataCategory } from '@samhandling/domain';
import type { RecordedEvent } from '@samhandling/event-store';
import { AgencyPolicy, evolveSubjectPolicy, initialSubjectPolicyState, loadCatalog, type AgencyRef, type DisclosableRecord, type SubjectPolicyState } from '@samhandling/policy';
import { PolicyTracker } from './policy-tracker';
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

/** What AgencyPolicy answers, built afresh for every agency and purpose: no cache at all. */
function uncached(state: SubjectPolicyState, record: DisclosableRecord, owners: string[], when: string) {
  const out: Array<{ agency: string; purpose: string; bases: unknown }> = [];
  for (const agency of agencies) {
    if (owners.includes(agency.id)) continue;
    for (const purpose of PUSH_PURPOSES) {
      const d = AgencyPolicy.build(catalog, { requester: agency, state, purpose, at: when, initiative: 'discloser', agencies }).decide(record);
      if (d.allowed) {
        out.push({ agency: agency.id, purpose, bases: d.bases });
        break;
      }
    }
  }
  return out;
}

const subject = fc.constantFrom('s1', 's2', 's3');
const minute = fc.integer({ min: 0, max: 40 });
const categories = fc.uniqueArray(fc.constantFrom(...DATA_CATEGORIES), { minLength: 1, maxLength: 3 });
const recipient = fc.oneof(fc.constantFrom(...ids).map((agency) => ({ agency })), fc.constantFrom('health', 'voluntary', 'nav', 'refugee_service').map((agencyKind) => ({ agencyKind })));
const step = fc.oneof(
  fc.record({
    type: fc.constant('ConsentGiven'), subjectId: subject, consentId: fc.constantFrom('c1', 'c2', 'c3'), decision: fc.constantFrom('permit', 'permit', 'deny'),
    recipients: fc.array(recipient, { minLength: 1, maxLength: 2 }), categories, purposes: fc.uniqueArray(fc.constantFrom(...PUSH_PURPOSES), { minLength: 1, maxLength: 3 }),
    from: minute, until: fc.option(minute, { nil: undefined }),
  }),
  fc.record({ type: fc.constant('ConsentWithdrawn'), subjectId: subject, consentId: fc.constantFrom('c1', 'c2', 'c3'), at: minute }),
  fc.record({ type: fc.constant('ReferralSent'), subjectId: subject, referralId: fc.constantFrom('r1', 'r2'), from: fc.constantFrom(...ids), to: fc.constantFrom(...ids), categories }),
  fc.record({ type: fc.constant('ResidenceGranted'), subjectId: subject, municipality: fc.constantFrom('0301', '4601') }),
  fc.record({
    type: fc.constant('CoordinatorDesignated'), subjectId: subject, agency: fc.constantFrom(...ids), designatedBy: fc.constantFrom(...ids),
    basis: fc.oneof(fc.constantFrom('c1', 'c2', 'c3').map((consentId) => ({ kind: 'consent', consentId })), fc.constantFrom('paa-13b-1-5', 'ia-41').map((entryId) => ({ kind: 'legal', entryId }))),
  }),
  fc.record({
    type: fc.constant('Record'), subjectId: subject, kind: fc.constantFrom('contact', 'consent', 'referral', 'identity'), owner: fc.constantFrom(...ids), categories,
    consentId: fc.constantFrom('c1', 'c2'), referralId: fc.constantFrom('r1', 'r2'),
  }),
);

describe('Recipients: the decision cache answers exactly what AgencyPolicy answers', () => {
  it('over random histories of consents, withdrawals, referrals, residence and coordinators, at every instant', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(step, fc.integer({ min: 0, max: 40 })), { minLength: 1, maxLength: 25 }), (steps) => {
        const tracker = new PolicyTracker();
        const recipients = new Recipients(catalog, agencies);
        const states = new Map<string, SubjectPolicyState>();
        let position = 0;
        for (const [s, when] of steps) {
          position++;
          const data: Record<string, unknown> =
            s.type === 'ConsentGiven'
              ? { subjectId: s.subjectId, consentId: s.consentId, decision: s.decision, recipients: s.recipients, categories: s.categories, purposes: s.purposes, validFrom: at(s.from), ...(s.until !== undefined ? { validUntil: at(s.from + s.until + 1) } : {}) }
              : s.type === 'ConsentWithdrawn' ? { subjectId: s.subjectId, consentId: s.consentId, withdrawnAt: at(s.at) }
              : s.type === 'ReferralSent' ? { subjectId: s.subjectId, referralId: s.referralId, from: s.from, to: s.to, categories: s.categories, basis: { kind: 'legal', entryId: 'paa-13b-1-5' } }
              : s.type === 'ResidenceGranted' ? { subjectId: s.subjectId, municipality: s.municipality, familyReunification: true }
              : s.type === 'CoordinatorDesignated' ? { subjectId: s.subjectId, agency: s.agency, basis: s.basis, designatedBy: s.designatedBy }
              : {};
          if (s.type !== 'Record') {
            const event = { id: `e${position}`, streamId: 'x', revision: 0, position, type: s.type, data, metadata: {}, recordedAt: at(when) } as RecordedEvent;
            tracker.apply(event);
            states.set(s.subjectId, evolveSubjectPolicy(states.get(s.subjectId) ?? initialSubjectPolicyState(s.subjectId), event));
            continue;
          }
          const record: DisclosableRecord = {
            kind: s.kind as DisclosableRecord['kind'], subjectId: s.subjectId, ownerAgency: s.owner, categories: s.categories as DataCategory[],
            ...(s.kind === 'consent' ? { consentId: s.consentId } : {}), ...(s.kind === 'referral' ? { referralId: s.referralId } : {}),
          };
          const state = states.get(s.subjectId) ?? initialSubjectPolicyState(s.subjectId);
          // Twice: the second answer comes from the cache.
          for (let i = 0; i < 2; i++) {
            const cached = recipients.of(tracker.subject(s.subjectId), record, [s.owner], at(when)).map((g) => ({ agency: g.agency.id, purpose: g.purpose, bases: g.bases }));
            expect(cached).toEqual(uncached(state, record, [s.owner], at(when)));
          }
        }
      }),
      { numRuns: 150, seed: 20261125 },
    );
  });
});
