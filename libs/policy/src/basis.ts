import type { CoordinatorBasis, ReferralBasis } from '@samhandling/domain';

/** Why a disclosure was allowed: shown to the recipient, recorded, and explained to the person. */
export type Basis =
  | { kind: 'own' }
  | { kind: 'legal'; entryId: string; version: string }
  | { kind: 'consent'; consentId: string; entryId: 'consent'; version: string }
  | { kind: 'referral'; referralId: string; referralBasis: ReferralBasis }
  /** The designated coordinator sees metadata (who is involved, referrals' state) on its designation's basis. */
  | { kind: 'coordination'; agency: string; designationBasis: CoordinatorBasis };

/** Why a disclosure was refused; says nothing about the data itself. */
export type DenialReason = 'no_basis' | 'consent_withdrawn' | 'consent_expired' | 'consent_not_yet_valid' | 'consent_not_confirmed' | 'objection';

/**
 * A written justification opens break-glass entries only when it says something: at least this
 * many characters once trimmed, and at most MAX (the API refuses anything else with 400).
 */
export const JUSTIFICATION_MIN_LENGTH = 10;
export const JUSTIFICATION_MAX_LENGTH = 2000;

export const basisKey = (b: Basis): string => {
  switch (b.kind) {
    case 'own': return 'own';
    case 'legal': return `legal:${b.entryId}@${b.version}`;
    case 'consent': return `consent:${b.consentId}`;
    case 'referral': return `referral:${b.referralId}`;
    case 'coordination': return `coordination:${b.agency}`;
  }
};
