import {
  evolveConsent, initialConsentState, type ConsentEvent, type ConsentState, type CoordinatorBasis, type DataCategory, type ReferralBasis,
} from '@samhandling/domain';

/** What policy needs to know about one person, folded from the global log. */
export interface SubjectPolicyState {
  subjectId: string;
  consent: ConsentState;
  /** Referrals about the person: each discloses its own content to its receiver. */
  referrals: Record<string, { from: string; to: string; categories: DataCategory[]; basis: ReferralBasis }>;
  /** Agencies that recorded something about the person or are party to a referral about them. */
  involved: Record<string, true>;
  /** Municipality of settlement from the latest residence permit. */
  residenceMunicipality?: string;
  /** The designated coordinating agency and the basis it was designated on. */
  coordinator?: { agency: string; basis: CoordinatorBasis; designatedBy?: string };
  /**
   * Per signal category (a child-welfare concern), the agencies that recorded something carrying
   * it: a catalog entry that requires the category (duty to notify) then also reaches the
   * person's identity, so the recipient can tell whom the concern is about.
   */
  raised?: Partial<Record<DataCategory, Record<string, true>>>;
  /** Log position the state reflects: a decision cites the point of the log it was made at. */
  position: number;
}

/** The categories whose presence on a record opens a catalog entry (its requiresCategory); the catalog may require only these. */
export const SIGNAL_CATEGORIES: readonly DataCategory[] = ['child_welfare_concern'];

export interface LogEvent {
  type: string;
  data: Record<string, unknown>;
  position: number;
}

export const initialSubjectPolicyState = (subjectId: string): SubjectPolicyState => ({
  subjectId, consent: initialConsentState(), referrals: {}, involved: {}, position: 0,
});

/** The subject an event's policy facts belong to; undefined when it changes no policy. */
export function policySubjectOf(event: LogEvent): string | undefined {
  switch (event.type) {
    case 'SubjectRegistered':
    case 'HouseholdLinked':
    case 'ContactRecorded':
    case 'ConsentGiven':
    case 'ConsentWithdrawn':
    case 'ConsentConfirmed':
    case 'ConsentRejected':
    case 'ReferralSent':
    case 'ResidenceGranted':
    case 'CoordinatorDesignated':
      return event.data.subjectId as string;
    default:
      return undefined;
  }
}

/** `raised` with the event's signal categories added for the agency that recorded it (a contact's agency, a referral's sender); unchanged (same object) otherwise. */
function raisedBy(state: SubjectPolicyState, event: LogEvent): Pick<SubjectPolicyState, 'raised'> {
  if (event.type !== 'ContactRecorded' && event.type !== 'ReferralSent') return {};
  const d = event.data;
  const agency = event.type === 'ContactRecorded' ? d.agency : d.from;
  const categories = Array.isArray(d.categories) ? d.categories : [];
  const fresh = SIGNAL_CATEGORIES.filter((c) => typeof agency === 'string' && categories.includes(c) && !state.raised?.[c]?.[agency]);
  if (fresh.length === 0) return {};
  const raised = { ...state.raised };
  for (const c of fresh) raised[c] = { ...raised[c], [agency as string]: true };
  return { raised };
}

/** The agencies an event shows to be involved with the person. */
function involvedBy(event: LogEvent): string[] {
  const d = event.data;
  const ids = [d.registeredBy, d.linkedBy, d.agency, d.recordedBy, d.from, d.to, d.designatedBy];
  return ids.filter((id): id is string => typeof id === 'string');
}

export function evolveSubjectPolicy(state: SubjectPolicyState, event: LogEvent): SubjectPolicyState {
  const agencies = involvedBy(event).filter((a) => !state.involved?.[a]);
  const involved = agencies.length > 0 ? { ...state.involved, ...Object.fromEntries(agencies.map((a) => [a, true as const])) } : (state.involved ?? {});
  const next = { ...state, involved, ...raisedBy(state, event), position: Math.max(state.position, event.position) };
  switch (event.type) {
    case 'ConsentGiven':
    case 'ConsentWithdrawn':
    case 'ConsentConfirmed':
    case 'ConsentRejected':
      return { ...next, consent: evolveConsent(state.consent, event as unknown as ConsentEvent) };
    case 'ReferralSent': {
      const d = event.data as { referralId: string; from: string; to: string; categories: DataCategory[]; basis: ReferralBasis };
      return { ...next, referrals: { ...state.referrals, [d.referralId]: { from: d.from, to: d.to, categories: d.categories, basis: d.basis } } };
    }
    case 'ResidenceGranted':
      return { ...next, residenceMunicipality: event.data.municipality as string };
    case 'CoordinatorDesignated':
      return {
        ...next,
        coordinator: {
          agency: event.data.agency as string, basis: event.data.basis as CoordinatorBasis,
          ...(typeof event.data.designatedBy === 'string' ? { designatedBy: event.data.designatedBy } : {}),
        },
      };
    default:
      return next;
  }
}
