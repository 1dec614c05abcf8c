import { DATA_CATEGORIES, PURPOSES, type Purpose } from '../shared/categories';
import type { CommandMetadata } from '../shared/decider';
import { invalid } from '../shared/errors';
import { isSharingBasis, sharingBasis } from '../shared/sharing-basis';
import { instant } from '../shared/time';
import { isBlank, unknownValues } from '../shared/validation';
import type { SendReferral } from './referral.commands';
import type { ReferralSent } from './referral.events';

/** A referral is the sender's initiative; emergency access is the recipient's (break-glass), never a referral. */
export const REFERRAL_PURPOSES: readonly Purpose[] = PURPOSES.filter((p) => p !== 'emergency');

/**
 * Input checks for a new referral. Whether the basis actually covers the recipient and
 * categories is the policy's question, answered against the catalog and consent state.
 */
export function validateSend(data: SendReferral['data'], metadata: CommandMetadata): void {
  if (isBlank(data.reason)) throw invalid('REFERRAL.REASON_REQUIRED', 'A referral must say why it is sent');
  if (data.to === metadata.agency) throw invalid('REFERRAL.SELF_REFERRAL', 'An agency cannot refer to itself');
  if (data.categories.length === 0) throw invalid('REFERRAL.NO_CATEGORIES', 'A referral must name at least one data category');
  const unknown = unknownValues(data.categories, DATA_CATEGORIES);
  if (unknown.length > 0) throw invalid('REFERRAL.UNKNOWN_CATEGORY', `Unknown data categories: ${unknown.join(', ')}`);
  if (data.purpose !== undefined && !(REFERRAL_PURPOSES as readonly string[]).includes(data.purpose)) {
    throw invalid('REFERRAL.INVALID_PURPOSE', `Purpose must be one of ${REFERRAL_PURPOSES.join(', ')}`);
  }
  if (!isSharingBasis(data.basis)) throw invalid('REFERRAL.INVALID_BASIS', `Basis must name a legal entry or a consent: ${JSON.stringify(data.basis)}`);
  const acknowledgeBy = instant(data.acknowledgeBy, 'acknowledgeBy');
  const answerBy = instant(data.answerBy, 'answerBy');
  if (answerBy < acknowledgeBy) throw invalid('REFERRAL.INVALID_DEADLINES', 'answerBy cannot be before acknowledgeBy');
  const now = instant(metadata.now, 'now');
  if (acknowledgeBy <= now || answerBy <= now) throw invalid('REFERRAL.DUE_IN_PAST', 'Deadlines must lie in the future');
}

export function referralSent({ data, metadata }: SendReferral): ReferralSent {
  return {
    type: 'ReferralSent',
    data: {
      referralId: data.referralId,
      subjectId: data.subjectId,
      from: metadata.agency,
      to: data.to,
      reason: data.reason,
      categories: [...data.categories],
      basis: sharingBasis(data.basis),
      ...(data.purpose !== undefined ? { purpose: data.purpose } : {}),
      acknowledgeBy: data.acknowledgeBy,
      answerBy: data.answerBy,
      ...(data.previousReferralId !== undefined ? { previousReferralId: data.previousReferralId } : {}),
      sentBy: metadata.actor,
      sentAt: metadata.now,
    },
  };
}
