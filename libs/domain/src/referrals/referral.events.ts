import type { DataCategory, Purpose } from '../shared/categories';
import type { Event } from '../shared/decider';
import type { SharingBasis } from '../shared/sharing-basis';

/** Why the sender may share: a legal-basis catalog entry, or the person's consent. */
export type ReferralBasis = SharingBasis;

export type ReferralDeadline = 'acknowledgement' | 'answer';

export type ReferralSent = Event<
  'ReferralSent',
  {
    referralId: string;
    subjectId: string;
    /** Sending and receiving agency ids. */
    from: string;
    to: string;
    reason: string;
    categories: DataCategory[];
    basis: ReferralBasis;
    /**
     * What the referral is for: the purpose its disclosure to the receiver is recorded under (and
     * told to the person). Absent on referrals sent before it existed: the relay then takes the
     * purpose its basis names.
     */
    purpose?: Purpose;
    acknowledgeBy: string;
    answerBy: string;
    /** Set when re-sending after a decline, e.g. to the agency the decliner suggested. */
    previousReferralId?: string;
    sentBy: string;
    sentAt: string;
  }
>;

/** `by` is the receiving agency; `actor` the person there, for the audit trail. */
export type ReferralAcknowledged = Event<'ReferralAcknowledged', { referralId: string; by: string; actor: string; acknowledgedAt: string }>;

export type ReferralAccepted = Event<
  'ReferralAccepted',
  { referralId: string; by: string; actor: string; note?: string; acceptedAt: string }
>;

export type ReferralDeclined = Event<
  'ReferralDeclined',
  { referralId: string; by: string; actor: string; reason: string; suggestedAgency?: string; declinedAt: string }
>;

export type ReferralCompleted = Event<
  'ReferralCompleted',
  { referralId: string; by: string; actor: string; outcome: string; completedAt: string }
>;

/** The sender is told when a deadline passes: those who refer must see the follow-up happen. */
export type ReferralEscalated = Event<
  'ReferralEscalated',
  { referralId: string; deadline: ReferralDeadline; dueAt: string; escalatedAt: string; notify: string[] }
>;

export type ReferralEvent =
  | ReferralSent
  | ReferralAcknowledged
  | ReferralAccepted
  | ReferralDeclined
  | ReferralCompleted
  | ReferralEscalated;
