import {
  assertNever, type ConsentDecision, type ConsentRecipient, type ContactChannel, type DataCategory, type DomainEvent,
  type HouseholdRelation, type Purpose, type ReferralDeadline, type ReferralStatus,
} from '@samhandling/domain';
import type { RecordedEvent } from '@samhandling/event-store';
import { asDomainEvent, byInstant, compact, subjectOf } from './domain-event';
import type { Labelled, Projection } from './projection';

export interface OverviewIdentity extends Labelled {
  givenName: string;
  familyName: string;
  birthDate: string;
  nationalId?: string;
  registeredBy: string;
  registeredAt: string;
}

export interface OverviewResidence extends Labelled {
  familyReunification: boolean;
  sponsorId?: string;
  municipality: string;
  grantedOn: string;
}

export interface OverviewHouseholdLink extends Labelled {
  memberId: string;
  relation: HouseholdRelation;
}

/** That a contact happened, never what was said: summary and concerns stay in contact-history. */
export interface OverviewContact extends Labelled {
  contactId: string;
  occurredAt: string;
  channel: ContactChannel;
}

export interface OverviewReferral extends Labelled {
  referralId: string;
  from: string;
  to: string;
  status: ReferralStatus;
  acknowledgeBy: string;
  answerBy: string;
  /** Deadlines that passed unanswered, as the scheduler recorded them. */
  escalations?: Array<{ deadline: ReferralDeadline; escalatedAt: string }>;
}

/** Expiry is left to the reader (it depends on the moment of reading); withdrawal is a fact. */
export interface OverviewConsent extends Labelled {
  consentId: string;
  decision: ConsentDecision;
  recipients: ConsentRecipient[];
  purposes: Purpose[];
  validFrom: string;
  validUntil?: string;
  status: 'active' | 'withdrawn';
  withdrawnAt?: string;
}

/** The single point of entry the person can turn to. */
export interface OverviewCoordinator extends Labelled {
  agency: string;
  caseworker?: string;
  designatedAt: string;
}

export interface PersonOverview {
  subjectId: string;
  coordinator?: OverviewCoordinator;
  identity?: OverviewIdentity;
  residence?: OverviewResidence;
  household: OverviewHouseholdLink[];
  /** Sorted agency ids that recorded anything about the person or are party to a referral. */
  involvedAgencies: string[];
  latestContactPerAgency: Record<string, OverviewContact>;
  /** Neither completed nor declined; sorted by answer deadline. */
  openReferrals: OverviewReferral[];
  consentSummary: OverviewConsent[];
}

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
  keyOf(event, context) {
    const domain = asDomainEvent(event);
    const subjectId = domain && subjectOf(domain, context);
    if (domain?.type === 'HouseholdLinked') return [domain.data.subjectId, domain.data.memberId];
    return subjectId ? [subjectId] : [];
  },
  init: (subjectId) => ({ subjectId, household: [], involvedAgencies: [], latestContactPerAgency: {}, openReferrals: [], consentSummary: [] }),
  evolve(state, event: RecordedEvent) {
    const domain = asDomainEvent(event);
    return domain ? evolveOverview(state, domain) : state;
  },
};
