import { assertNever, type DataCategory, type DomainEvent, type HouseholdRelation } from '@samhandling/domain';
import type { RecordedEvent } from '@samhandling/event-store';
import { asDomainEvent, byInstant, compact, subjectKeys } from './domain-event';
import type { Projection } from './projection';
import type {
  OverviewConsent, OverviewContact, OverviewCoordinator, OverviewHouseholdLink, OverviewReferral, OverviewResidence, PersonOverview,
} from './person-overview.types';

export type {
  PersonOverview, OverviewIdentity, OverviewResidence, OverviewHouseholdLink, OverviewContact, OverviewReferral, OverviewConsent, OverviewCoordinator,
} from './person-overview.types';

/**
 * Category of each field as a whole, besides the categories on its items: a contact's metadata is
 * contact_log even when the contact was about health. The policy checks both.
 */
export const PERSON_OVERVIEW_FIELD_CATEGORIES: Record<Exclude<keyof PersonOverview, 'subjectId'>, DataCategory[]> = {
  coordinator: ['contact_log'],
  identity: ['identity'],
  residence: ['residence'],
  household: ['family_situation'],
  involvedAgencies: ['contact_log'],
  latestContactPerAgency: ['contact_log'],
  openReferrals: ['referral'],
  consentSummary: [],
};

const INVERSE_RELATION: Record<HouseholdRelation, HouseholdRelation> = { spouse: 'spouse', child: 'parent', parent: 'child', sibling: 'sibling', other: 'other' };

const involve = (s: PersonOverview, ...agencies: string[]): string[] =>
  [...new Set([...s.involvedAgencies, ...agencies])].sort();

const byDeadline = (a: OverviewReferral, b: OverviewReferral) => byInstant(a.answerBy, b.answerBy) || a.referralId.localeCompare(b.referralId);

function evolveReferral(s: PersonOverview, referralId: string, change: (r: OverviewReferral) => OverviewReferral | undefined): PersonOverview {
  const index = s.openReferrals.findIndex((r) => r.referralId === referralId);
  if (index < 0) return s;
  const next = change(s.openReferrals[index]);
  const openReferrals = [...s.openReferrals];
  if (next) openReferrals[index] = next;
  else openReferrals.splice(index, 1);
  return { ...s, openReferrals };
}

function evolveOverview(s: PersonOverview, event: DomainEvent): PersonOverview {
  switch (event.type) {
    case 'SubjectRegistered': {
      const { subjectId: _, registeredBy, ...identity } = event.data;
      const item = compact({ ...identity, registeredBy, ownerAgency: registeredBy, categories: ['identity'] as DataCategory[] });
      return { ...s, identity: item, involvedAgencies: involve(s, registeredBy) };
    }
    case 'ResidenceGranted': {
      const { subjectId: _, recordedBy, ...residence } = event.data;
      // A later grant (e.g. renewed permit) replaces the earlier one: the overview shows the current status.
      return { ...s, residence: compact<OverviewResidence>({ ...residence, ownerAgency: recordedBy, categories: ['residence'] }), involvedAgencies: involve(s, recordedBy) };
    }
    case 'HouseholdLinked': {
      const { linkedBy } = event.data;
      // A link shows in both people's households: seen from the member, the relation is inverted.
      const seenFromMember = event.data.memberId === s.subjectId;
      const memberId = seenFromMember ? event.data.subjectId : event.data.memberId;
      const relation = seenFromMember ? INVERSE_RELATION[event.data.relation] : event.data.relation;
      const link: OverviewHouseholdLink = { memberId, relation, ownerAgency: linkedBy, categories: ['family_situation'] };
      return { ...s, household: [...s.household.filter((h) => h.memberId !== memberId), link], involvedAgencies: involve(s, linkedBy) };
    }
    case 'CoordinatorDesignated': {
      const { agency, caseworker, designatedBy, designatedAt } = event.data;
      const coordinator = compact<OverviewCoordinator>({ agency, caseworker, designatedAt, ownerAgency: designatedBy, categories: ['contact_log'] });
      return { ...s, coordinator, involvedAgencies: involve(s, designatedBy, agency) };
    }
    case 'ContactRecorded': {
      const { contactId, agency, occurredAt, channel, categories } = event.data;
      const known = s.latestContactPerAgency[agency];
      const involvedAgencies = involve(s, agency);
      // Contacts may be recorded late: the latest is the one that happened last.
      if (known && byInstant(known.occurredAt, occurredAt) > 0) return { ...s, involvedAgencies };
      const latest: OverviewContact = { contactId, occurredAt, channel, ownerAgency: agency, categories };
      return { ...s, involvedAgencies, latestContactPerAgency: { ...s.latestContactPerAgency, [agency]: latest } };
    }
    case 'ConsentGiven': {
      const { consentId, decision, recipients, categories, purposes, validFrom, validUntil, recordedBy } = event.data;
      const consent = compact<OverviewConsent>({ consentId, decision, recipients, categories, purposes, validFrom, validUntil, status: 'active', ownerAgency: recordedBy });
      const consentSummary = [...s.consentSummary.filter((c) => c.consentId !== consentId), consent];
      return { ...s, consentSummary, involvedAgencies: involve(s, recordedBy) };
    }
    case 'ConsentWithdrawn': {
      const { consentId, withdrawnAt, withdrawnBy } = event.data;
      if (!s.consentSummary.some((c) => c.consentId === consentId)) return s;
      const consentSummary = s.consentSummary.map((c) => (c.consentId === consentId ? { ...c, status: 'withdrawn' as const, withdrawnAt } : c));
      return { ...s, consentSummary, involvedAgencies: involve(s, withdrawnBy) };
    }
    case 'ReferralSent': {
      const { referralId, from, to, acknowledgeBy, answerBy, categories } = event.data;
      const referral: OverviewReferral = { referralId, from, to, status: 'sent', acknowledgeBy, answerBy, ownerAgency: from, categories };
      const openReferrals = [...s.openReferrals.filter((r) => r.referralId !== referralId), referral].sort(byDeadline);
      return { ...s, openReferrals, involvedAgencies: involve(s, from, to) };
    }
    case 'ReferralAcknowledged':
      return evolveReferral(s, event.data.referralId, (r) => ({ ...r, status: 'acknowledged' }));
    case 'ReferralAccepted':
      return evolveReferral(s, event.data.referralId, (r) => ({ ...r, status: 'accepted' }));
    case 'ReferralDeclined':
    case 'ReferralCompleted':
      return evolveReferral(s, event.data.referralId, () => undefined);
    case 'ConsentConfirmed':
    case 'ConsentRejected':
      // Who relies on a consent is the consent registry's trail; the overview shows the terms.
      return s;
    case 'ArrivalNotice':
      // A copy of facts the overview already holds (identity, residence, household), for the municipality.
      return s;
    case 'ReferralEscalated': {
      const { deadline, escalatedAt } = event.data;
      return evolveReferral(s, event.data.referralId, (r) => ({ ...r, escalations: [...(r.escalations ?? []), { deadline, escalatedAt }] }));
    }
    default:
      return assertNever(event);
  }
}

/** One page per person: who they are, who is involved, what is open, what they agreed to. */
export const personOverviewProjection: Projection<PersonOverview> = {
  name: 'person-overview',
  categories: ['identity', 'residence', 'family_situation', 'contact_log', 'referral'],
  keyOf: subjectKeys,
  init: (subjectId) => ({ subjectId, household: [], involvedAgencies: [], latestContactPerAgency: {}, openReferrals: [], consentSummary: [] }),
  evolve(state, event: RecordedEvent) {
    const domain = asDomainEvent(event);
    return domain ? evolveOverview(state, domain) : state;
  },
};
