import type { AgencyKind, DataCategory, Purpose } from '@samhandling/domain';
import type { Basis, DenialReason } from './basis';
import type { SubjectPolicyState } from './subject-policy-state';

export interface AgencyRef {
  id: string;
  kind: AgencyKind;
  municipality: string | null;
}

/** Something policy is asked about: one item of a projection, or one event, with its labels. */
export interface DisclosableRecord {
  kind: 'identity' | 'residence' | 'household' | 'contact' | 'referral' | 'consent' | 'coordination';
  subjectId: string;
  /** Agency that recorded it; it may always see it again. */
  ownerAgency: string;
  categories: DataCategory[];
  referralId?: string;
  consentId?: string;
}

export interface Decision {
  /** Every category of the record may be disclosed. */
  allowed: boolean;
  permittedCategories: DataCategory[];
  /** One basis per permitted category, deduplicated. */
  bases: Basis[];
  denial?: DenialReason;
  reviewRequired: boolean;
}

export interface PolicyRequest {
  requester: AgencyRef;
  state: SubjectPolicyState;
  purpose: Purpose;
  /** The instant the disclosure happens at (event time when replaying the log). */
  at: string;
  /** Pull reads are the recipient's initiative; push, referral and notice are the discloser's. */
  initiative: 'discloser' | 'recipient';
  /** A written justification opens break-glass entries (justificationRequired), for review. */
  justification?: string;
  /** The agency directory: conditions on the discloser's kind become conditions on agency ids. */
  agencies: readonly AgencyRef[];
}
