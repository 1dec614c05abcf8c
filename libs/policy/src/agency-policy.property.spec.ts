import fc from 'fast-check';
import { consentStatusAt, DATA_CATEGORIES, PURPOSES, recipientCovers, type DataCategory, type Purpose } from '@samhandling/domain';
import { AgencyPolicy, type DisclosableRecord } from './agency-policy';
import type { Basis } from './basis';
import { covers } from './catalog/legal-basis-catalog';
import { evolveSubjectPolicy } from './subject-policy-fold';
import { initialSubjectPolicyState, type LogEvent, type SubjectPolicyState } from './subject-policy-state';
import { AGENCIES, catalog, SUBJECT } from './testing/policy-fixtures';

const agencyIds = Object.keys(AGENCIES);
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();

const recipient = fc.oneof(
  fc.constantFrom(...agencyIds).map((agency) => ({ agency })),
  fc.constantFrom(...new Set(Object.values(AGENCIES).map((a) => a.kind))).map((agencyKind) => ({ agencyKind })),
);
const categories = fc.subarray([...DATA_CATEGORIES], { minLength: 1, maxLength: 4 });
const purposes = fc.subarray([...PURPOSES], { minLength: 1, maxLength: 3 });

/** Random histories: consents (permits and objections, some expiring), withdrawals, referrals. */
const historyArb = fc
  .array(
    fc.oneof(
      fc.record({
        type: fc.constant('give' as const), decision: fc.constantFrom('permit', 'deny'), recipients: fc.array(recipient, { minLength: 1, maxLength: 3 }),
        categories, purposes, from: fc.integer({ min: 0, max: 200 }), length: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
      }),
      fc.record({ type: fc.constant('withdraw' as const), which: fc.nat(), on: fc.integer({ min: 0, max: 365 }) }),
      fc.record({ type: fc.constant('refer' as const), from: fc.constantFrom(...agencyIds), to: fc.constantFrom(...agencyIds), categories }),
      fc.record({ type: fc.constant('contact' as const), agency: fc.constantFrom(...agencyIds) }),
      fc.record({ type: fc.constant('coordinate' as const), agency: fc.constantFrom(...agencyIds), which: fc.nat(), onConsent: fc.boolean() }),
    ),
    { maxLength: 12 },
  )
  .map((steps) => {
    const events: LogEvent[] = [];
    const given: string[] = [];
    steps.forEach((s, i) => {
      const position = i + 1;
      if (s.type === 'give') {
        const consentId = `c${i}`;
        given.push(consentId);
        events.push({ type: 'ConsentGiven', position, data: {
          subjectId: SUBJECT, consentId, decision: s.decision, recipients: s.recipients, categories: s.categories, purposes: s.purposes,
          validFrom: day(s.from), ...(s.length ? { validUntil: day(s.from + s.length) } : {}),
        } });
      } else if (s.type === 'withdraw' && given.length > 0) {
        events.push({ type: 'ConsentWithdrawn', position, data: { subjectId: SUBJECT, consentId: given[s.which % given.length], withdrawnAt: day(s.on) } });
      } else if (s.type === 'contact') {
        events.push({ type: 'ContactRecorded', position, data: { subjectId: SUBJECT, agency: s.agency, categories: ['contact_log'] } });
      } else if (s.type === 'coordinate') {
        const basis = s.onConsent && given.length > 0 ? { kind: 'consent', consentId: given[s.which % given.length] } : { kind: 'legal', entryId: 'paa-13b-1-5' };
        events.push({ type: 'CoordinatorDesignated', position, data: { subjectId: SUBJECT, agency: s.agency, basis, designatedBy: s.agency } });
      } else if (s.type === 'refer') {
        events.push({ type: 'ReferralSent', position, data: { subjectId: SUBJECT, referralId: `r${i}`, from: s.from, to: s.to, categories: s.categories, basis: { kind: 'legal', entryId: 'paa-13b-1-5' } } });
      }
    });
    return events;
  });

const requestArb = fc.record({
  requester: fc.constantFrom(...agencyIds),
  owner: fc.constantFrom(...agencyIds),
  categories,
  purpose: fc.constantFrom(...PURPOSES),
  on: fc.integer({ min: 0, max: 400 }),
  initiative: fc.constantFrom('discloser' as const, 'recipient' as const),
  referral: fc.nat(),
});

const policyCatalog = catalog(['family-reunification-notice']);

/** Independent check of one cited basis, from the definitions rather than the CASL rules. */
function basisHolds(basis: Basis, state: SubjectPolicyState, me: string, owner: string, category: DataCategory, purpose: Purpose, at: string, record: DisclosableRecord): boolean {
  const meRef = AGENCIES[me];
  switch (basis.kind) {
    case 'own':
      return owner === me;
    case 'consent': {
      const c = state.consent.consents[basis.consentId];
      if (record.kind === 'consent') return !!c && c.recipients.some((r) => recipientCovers(r, me, meRef.kind));
      return !!c && c.decision === 'permit' && consentStatusAt(c, at) === 'active' && c.recipients.some((r) => recipientCovers(r, me, meRef.kind))
        && c.categories.includes(category) && covers(c.purposes, purpose);
    }
    case 'legal': {
      const e = policyCatalog.cited(basis.entryId, basis.version);
      return !!e && !e.consentRequired && covers(e.to, meRef.kind) && covers(e.from, AGENCIES[owner].kind) && covers(e.categories, category) && covers(e.purposes, purpose)
        && (!e.requiresInvolvement || state.involved[me] === true) && (!e.requiresCategory || record.categories.includes(e.requiresCategory));
    }
    case 'referral':
      return record.kind === 'referral' && record.referralId === basis.referralId && state.referrals[basis.referralId]?.to === me;
    case 'coordination': {
      if (state.coordinator?.agency !== me || !['contact_log', 'referral'].includes(category) || !['coordination', 'follow_up'].includes(purpose)) return false;
      const d = state.coordinator.basis;
      if (d.kind === 'legal') return covers(policyCatalog.current().find((e) => e.id === d.entryId)?.to ?? [], meRef.kind);
      const c = state.consent.consents[d.consentId];
      return !!c && c.decision === 'permit' && consentStatusAt(c, at) === 'active' && c.recipients.some((r) => recipientCovers(r, me, meRef.kind));
    }
  }
}

describe('policy properties over random histories', () => {
  it('never permits a category without a basis that holds at that moment, and withdrawn consents stop disclosing', () => {
    fc.assert(
      fc.property(historyArb, requestArb, (events, q) => {
        const state = events.reduce(evolveSubjectPolicy, initialSubjectPolicyState(SUBJECT));
        const at = day(q.on);
        const referralIds = Object.keys(state.referrals);
        const record: DisclosableRecord = q.referral % 3 === 0 && referralIds.length > 0
          ? { kind: 'referral', subjectId: SUBJECT, ownerAgency: q.owner, categories: q.categories, referralId: referralIds[q.referral % referralIds.length] }
          : { kind: 'contact', subjectId: SUBJECT, ownerAgency: q.owner, categories: q.categories };
        const policy = AgencyPolicy.build(policyCatalog, {
          requester: AGENCIES[q.requester], state, purpose: q.purpose, at, initiative: q.initiative, agencies: Object.values(AGENCIES),
        });
        const decision = policy.decide(record);
        expect(decision.allowed).toBe(decision.permittedCategories.length === q.categories.length);
        expect(decision.permittedCategories.length === 0).toBe(decision.bases.length === 0);
        for (const category of decision.permittedCategories) {
          const rule = policy.ability.relevantRuleFor('read', record as never, category)!;
          const basis = JSON.parse(rule.reason!) as Basis;
          expect(basisHolds(basis, state, q.requester, q.owner, category, q.purpose, at, record)).toBe(true);
          // An objection beats every basis but the agency's own records and those that override it.
          const overrides = basis.kind === 'own' || (basis.kind === 'legal' && policyCatalog.cited(basis.entryId, basis.version)!.overridesObjection);
          const objected = Object.values(state.consent.consents).some((c) => c.decision === 'deny' && consentStatusAt(c, at) === 'active'
            && c.categories.includes(category) && covers(c.purposes, q.purpose) && c.recipients.some((r) => recipientCovers(r, q.requester, AGENCIES[q.requester].kind)));
          if (objected && q.owner !== q.requester) expect(overrides).toBe(true);
        }
        for (const basis of decision.bases) {
          if (basis.kind !== 'consent') continue;
          const c = state.consent.consents[basis.consentId];
          expect(consentStatusAt(c, at)).toBe('active');
        }
        if (!decision.allowed) expect(decision.denial).toBeDefined();
      }),
      { numRuns: 2000 },
    );
  });
});
