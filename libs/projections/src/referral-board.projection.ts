import { assertNever, DATA_CATEGORIES, type ReferralBasis, type ReferralEvent, type ReferralDeadline, type ReferralStatus } from '@samhandling/domain';
import { asDomainEvent, compact, isReferralEvent } from './domain-event';
import type { Labelled, Projection } from './projection';

/** A referral as both parties follow it; the sender owns it. */
export interface BoardReferral extends Labelled {
  referralId: string;
  subjectId: string;
  from: string;
  to: string;
  reason: string;
  basis: ReferralBasis;
  status: ReferralStatus;
  acknowledgeBy: string;
  answerBy: string;
  /** Deadlines that passed unmet, in the order the scheduler escalated them, and when. */
  escalations: BoardEscalation[];
  declineReason?: string;
  suggestedAgency?: string;
  previousReferralId?: string;
  sentAt: string;
  updatedAt: string;
}

export interface BoardEscalation {
  deadline: ReferralDeadline;
  escalatedAt: string;
}

/** A key's state before its ReferralSent: never stored, since evolve leaves it as it is. */
export type BoardEntry = BoardReferral | { referralId: string; unsent: true };

export const REFERRAL_BOARD = 'referral-board';

const isSent = (entry: BoardEntry): entry is BoardReferral => !('unsent' in entry);

function change(event: Exclude<ReferralEvent, { type: 'ReferralSent' }>, r: BoardReferral): BoardReferral {
  switch (event.type) {
    case 'ReferralAcknowledged':
      return { ...r, status: 'acknowledged', updatedAt: event.data.acknowledgedAt };
    case 'ReferralAccepted':
      return { ...r, status: 'accepted', updatedAt: event.data.acceptedAt };
    case 'ReferralDeclined': {
      const { reason, suggestedAgency, declinedAt } = event.data;
      return compact({ ...r, status: 'declined' as const, declineReason: reason, suggestedAgency, updatedAt: declinedAt });
    }
    case 'ReferralCompleted':
      return { ...r, status: 'completed', updatedAt: event.data.completedAt };
    case 'ReferralEscalated': {
      const { deadline, escalatedAt } = event.data;
      if (r.escalations.some((e) => e.deadline === deadline)) return r;
      return { ...r, escalations: [...r.escalations, { deadline, escalatedAt }], updatedAt: escalatedAt };
    }
    default:
      return assertNever(event);
  }
}

/**
 * Follow-up is the sender's duty too: both sides see status, deadlines and escalations. One state
 * per referral, keyed by its id, so an event costs the same whatever the board holds; a board is a
 * query over these rows by `from` or `to` (referral-board.query.ts), paged.
 */
export const referralBoardProjection: Projection<BoardEntry> = {
  name: REFERRAL_BOARD,
  // 2: one state per referral (was one per agency, holding every referral it ever sent or received).
  version: 2,
  // The reason may touch on any category the referral names.
  categories: [...DATA_CATEGORIES],
  keyOf(event) {
    const domain = asDomainEvent(event);
    return domain && isReferralEvent(domain) ? [domain.data.referralId] : [];
  },
  init: (referralId) => ({ referralId, unsent: true }),
  evolve(entry, event) {
    const domain = asDomainEvent(event);
    if (!domain || !isReferralEvent(domain) || domain.data.referralId !== entry.referralId) return entry;
    if (domain.type === 'ReferralSent') {
      if (isSent(entry)) return entry;
      const { sentBy: _, ...data } = domain.data;
      return compact<BoardReferral>({ ...data, status: 'sent', escalations: [], updatedAt: data.sentAt, ownerAgency: data.from });
    }
    return isSent(entry) ? change(domain, entry) : entry;
  },
};
