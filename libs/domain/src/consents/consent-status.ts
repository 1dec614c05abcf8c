import { instant } from '../shared/time';
import type { AssuranceLevel, ConsentDecision, ConsentRecipient } from './consent.events';
import type { AgencyKind, DataCategory, Purpose } from '../shared/categories';

/** One consent as the policy needs it; kept in consent state per consent id. */
export interface ConsentRecord {
  status: 'active' | 'withdrawn';
  decision: ConsentDecision;
  recipients: ConsentRecipient[];
  categories: DataCategory[];
  purposes: Purpose[];
  validFrom: string;
  validUntil?: string;
  withdrawnAt?: string;
  /** Who recorded it: that agency can always rely on it for its own records. Absent in states folded before provenance was kept. */
  recordedBy?: string;
  /** What its evidence is worth to a discloser that did not record it. */
  assurance?: AssuranceLevel;
  /** Each other discloser's answer, by agency id: relies on it (confirmed) or will not (rejected). */
  confirmations?: Record<string, 'confirmed' | 'rejected'>;
}

export type ConsentStatus = 'not_yet_valid' | 'active' | 'expired' | 'withdrawn';

/**
 * Status at a point in time, not "now": replaying the log must decide a past disclosure
 * the same way it was decided then, so a later withdrawal does not reach back.
 * Instants are compared as times, not strings, since offsets may differ.
 */
export function consentStatusAt(
  consent: Pick<ConsentRecord, 'validFrom' | 'validUntil' | 'withdrawnAt'>,
  atIso: string,
): ConsentStatus {
  const at = instant(atIso, 'at');
  if (consent.withdrawnAt !== undefined && instant(consent.withdrawnAt, 'withdrawnAt') <= at) return 'withdrawn';
  if (consent.validUntil !== undefined && instant(consent.validUntil, 'validUntil') <= at) return 'expired';
  if (at < instant(consent.validFrom, 'validFrom')) return 'not_yet_valid';
  return 'active';
}

/** Whether a recipient entry covers an agency (by id, or by the kind the directory gives it). */
export const recipientCovers = (recipient: ConsentRecipient, agency: string, kind: AgencyKind | undefined): boolean =>
  'agency' in recipient ? recipient.agency === agency : recipient.agencyKind === kind;
