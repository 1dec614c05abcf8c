import fc from 'fast-check';
import { consentStatusAt, recipientCovers, type DataCategory, type DomainEvent, type Purpose } from '@samhandling/domain';
import { AgencyPolicy, evolveSubjectPolicy, initialSubjectPolicyState, loadCatalog, type Basis } from '@samhandling/policy';
import { contactHistoryProjection, personOverviewProjection, type ContactHistory, type PersonOverview } from '@samhandling/projections';
import { recorded } from '../../../../libs/projections/src/testing/recorded';
import { AGENCIES, SUBJECT } from '../../../../libs/policy/src/testing/policy-fixtures';
import { Disclosing } from './disclose-items';
import { contactHistoryView, personOverviewView } from './views';

const catalog = loadCatalog();
const agencyIds = Object.keys(AGENCIES);
const agencies = Object.values(AGENCIES);
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();
const categories = fc.subarray<DataCategory>(['contact_log', 'health', 'education', 'child_welfare_concern', 'welfare', 'family_situation'], { minLength: 1, maxLength: 3 });
const purposes: Purpose[] = ['care', 'follow_up', 'coordination', 'child_protection', 'introduction_programme'];

/** Random histories of one person: contacts by any agency, consents and objections, withdrawals. */
const history = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('contact' as const), agency: fc.constantFrom(...agencyIds), categories, on: fc.integer({ min: 0, max: 100 }) }),
    fc.record({ kind: fc.constant('consent' as const), decision: fc.constantFrom('permit' as const, 'deny' as const), to: fc.constantFrom(...agencyIds), categories, purpose: fc.constantFrom(...purposes), from: fc.integer({ min: 0, max: 100 }), days: fc.integer({ min: 1, max: 200 }) }),
    fc.record({ kind: fc.constant('withdraw' as const), which: fc.nat(), on: fc.integer({ min: 0, max: 300 }) }),
  ),
  { maxLength: 15 },
).map((steps) => {
  const events: DomainEvent[] = [{ type: 'SubjectRegistered', data: { subjectId: SUBJECT, givenName: 'A', familyName: 'H', birthDate: '2000-01-01', registeredBy: 'oslo-refugee', registeredAt: day(0) } }];
  const consents: string[] = [];
  steps.forEach((s, i) => {
    if (s.kind === 'contact') {
      events.push({ type: 'ContactRecorded', data: { contactId: `k${i}`, subjectId: SUBJECT, agency: s.agency, actor: 'x', occurredAt: day(s.on), recordedAt: day(s.on), channel: 'phone', categories: s.categories, summary: `secret ${i}`, concerns: [], interpreterUsed: false } });
    } else if (s.kind === 'consent') {
      consents.push(`c${i}`);
      events.push({ type: 'ConsentGiven', data: {
        consentId: `c${i}`, subjectId: SUBJECT, decision: s.decision, grantor: { kind: 'self' }, recipients: [{ agency: s.to }], categories: s.categories,
        purposes: [s.purpose], validFrom: day(s.from), validUntil: day(s.from + s.days), evidence: { kind: 'written' }, interpreterUsed: false, recordedBy: 'oslo-refugee', recordedAt: day(s.from),
      } });
    } else if (consents.length > 0) {
      events.push({ type: 'ConsentWithdrawn', data: { consentId: consents[s.which % consents.length], subjectId: SUBJECT, withdrawnBy: 'oslo-refugee', withdrawnAt: day(s.on) } });
    }
  });
  return recorded(events);
});

describe('pull reads over random histories', () => {
  it('return no item and no field of another agency without a basis valid at that moment, and never under a withdrawn consent', () => {
    fc.assert(
      fc.property(history, fc.constantFrom(...agencyIds), fc.constantFrom(...purposes), fc.integer({ min: 0, max: 320 }), (log, reader, purpose, on) => {
        const at = day(on);
        const noRoutes = { referral: () => undefined };
        const contacts = log.filter((e) => contactHistoryProjection.keyOf(e, noRoutes).length > 0).reduce(contactHistoryProjection.evolve, contactHistoryProjection.init(SUBJECT)) as ContactHistory;
        const overview = log.reduce(personOverviewProjection.evolve, personOverviewProjection.init(SUBJECT)) as PersonOverview;
        const state = log.reduce((s, e) => evolveSubjectPolicy(s, e), initialSubjectPolicyState(SUBJECT));
        const policy = AgencyPolicy.build(catalog, { requester: AGENCIES[reader], state, purpose, at, initiative: 'recipient', agencies });
        const d = new Disclosing(policy);
        const body = { history: contactHistoryView(contacts, d), overview: personOverviewView(overview, d, at) };

        // Every returned item of another agency was disclosed, i.e. is in what the read records.
        // (`#metadata`, or `#<categories>` for the permitted part of a partly permitted item.)
        const disclosedPaths = new Set(d.disclosed.map((i) => i.path.replace(/#[a-z_+]+$/, '')));
        for (const c of body.history.contacts) {
          if (c.ownerAgency !== reader) expect(disclosedPaths.has(`contacts/${c.contactId}`)).toBe(true);
          // Content only when every category of the contact had a basis.
          if ('summary' in c) expect(policy.decide({ kind: 'contact', subjectId: SUBJECT, ownerAgency: c.ownerAgency, categories: c.categories }).allowed).toBe(true);
          // A concern shown alone only where child-welfare concerns had a basis.
          if ('concerns' in c && !('summary' in (c as object))) expect(policy.decide({ kind: 'contact', subjectId: SUBJECT, ownerAgency: (c as { ownerAgency: string }).ownerAgency, categories: ['child_welfare_concern'] }).allowed).toBe(true);
        }
        for (const item of d.disclosed) {
          expect(item.bases.length).toBeGreaterThan(0);
          for (const category of item.categories) {
            const rule = policy.ability.relevantRuleFor('read', item.record as never, category);
            expect(rule && !rule.inverted).toBe(true);
            const basis = JSON.parse(rule!.reason!) as Basis;
            expect(item.bases).toContainEqual(basis);
            expect(holds(basis, item.record.ownerAgency, category, item.record.kind)).toBe(true);
          }
        }
        // A withdrawn or expired consent is never cited, nor is anything from a secret summary leaked otherwise.
        const text = JSON.stringify(body);
        for (const c of contacts.contacts) {
          const shown = body.history.contacts.find((x) => x.contactId === c.contactId);
          if (!shown || !('summary' in shown)) expect(text.includes(`"${c.summary}"`)).toBe(false);
        }

        function holds(basis: Basis, owner: string, category: DataCategory, kind: string): boolean {
          if (basis.kind === 'own') return owner === reader;
          if (basis.kind === 'consent') {
            const c = state.consent.consents[basis.consentId];
            if (!c || !c.recipients.some((r) => recipientCovers(r, reader, AGENCIES[reader].kind))) return false;
            // A consent record itself is shown to the agencies it names; any other item needs the
            // consent to permit, be active at that moment, and cover the category disclosed.
            if (kind === 'consent') return true;
            return c.decision === 'permit' && consentStatusAt(c, at) === 'active' && c.categories.includes(category) && c.purposes.includes(purpose);
          }
          if (basis.kind === 'legal') {
            const e = catalog.cited(basis.entryId, basis.version);
            return !!e && (e.categories === '*' || e.categories.includes(category)) && (e.purposes === '*' || e.purposes.includes(purpose));
          }
          return false;
        }
      }),
      { numRuns: 500 },
    );
  });
});
