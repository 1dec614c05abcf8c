import type { CommandMetadata } from '../shared/decider';
import { conflict, forbidden, invalid, notFound } from '../shared/errors';
import type { SendReferral } from './referral.commands';
import type { ReferralState } from './referral.decider';

export interface ReReferral {
  /** Id of the new referral, chosen by the caller. */
  referralId: string;
  /** Defaults to the agency the decliner suggested. */
  to?: string;
  /** Defaults to the declined referral's reason. */
  reason?: string;
  acknowledgeBy: string;
  answerBy: string;
}

/**
 * The one step after a decline: the sender sends the same matter, on the same basis,
 * purpose and categories, to the agency the decliner suggested (or another), chained to the declined one.
 * The result is an ordinary SendReferral, decided on the new referral's own stream.
 */
export function reReferral(declined: ReferralState, declinedId: string, input: ReReferral, metadata: CommandMetadata): SendReferral {
  if (declined.status === 'not_sent') throw notFound('REFERRAL.NOT_FOUND', `Referral ${declinedId} does not exist`);
  if (declined.from !== metadata.agency) throw forbidden('REFERRAL.NOT_SENDER', `Only ${declined.from}, which sent ${declinedId}, may re-refer it`);
  if (declined.status !== 'declined') throw conflict('REFERRAL.NOT_DECLINED', `Referral ${declinedId} is ${declined.status}; only a declined referral is re-referred`);
  const to = input.to ?? declined.decline?.suggestedAgency;
  if (to === undefined) throw invalid('REFERRAL.RECIPIENT_REQUIRED', `${declined.to} suggested no agency; name the agency to refer to`);
  if (to === declined.to) throw invalid('REFERRAL.SAME_RECIPIENT', `${declined.to} declined ${declinedId}; refer to another agency`);
  return {
    type: 'SendReferral',
    data: {
      referralId: input.referralId,
      subjectId: declined.subjectId,
      to,
      reason: input.reason ?? declined.reason,
      categories: [...declined.categories],
      basis: declined.basis,
      ...(declined.purpose !== undefined ? { purpose: declined.purpose } : {}),
      acknowledgeBy: input.acknowledgeBy,
      answerBy: input.answerBy,
      previousReferralId: declinedId,
    },
    metadata,
  };
}
