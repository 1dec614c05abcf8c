import type { DataCategory, Purpose } from '../shared/categories';
import type { Command } from '../shared/decider';
import type { ReferralBasis, ReferralDeadline } from './referral.events';

export type SendReferral = Command<
  'SendReferral',
  {
    referralId: string;
    subjectId: string;
    to: string;
    reason: string;
    categories: DataCategory[];
    basis: ReferralBasis;
    /** Optional: without it, the purpose the basis names (see ReferralSent.purpose). */
    purpose?: Purpose;
    acknowledgeBy: string;
    answerBy: string;
    previousReferralId?: string;
  }
>;

export type AcknowledgeReferral = Command<'AcknowledgeReferral', { referralId: string }>;
export type AcceptReferral = Command<'AcceptReferral', { referralId: string; note?: string }>;
export type DeclineReferral = Command<'DeclineReferral', { referralId: string; reason: string; suggestedAgency?: string }>;
export type CompleteReferral = Command<'CompleteReferral', { referralId: string; outcome: string }>;

/**
 * Issued by the deadline scheduler once a deadline has passed. `coordinator` is the subject's
 * coordinating agency at that moment, if there is one: it is told too.
 */
export type EscalateReferral = Command<'EscalateReferral', { referralId: string; deadline: ReferralDeadline; coordinator?: string }>;

export type ReferralCommand =
  | SendReferral
  | AcknowledgeReferral
  | AcceptReferral
  | DeclineReferral
  | CompleteReferral
  | EscalateReferral;
