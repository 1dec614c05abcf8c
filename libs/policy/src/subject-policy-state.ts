import { initialConsentState, type ConsentState, type CoordinatorBasis, type DataCategory, type ReferralBasis } from '@samhandling/domain';

/** What policy needs to know about one person, folded from the global log (subject-policy-fold.ts). */
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
