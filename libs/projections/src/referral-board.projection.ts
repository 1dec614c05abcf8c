import { assertNever, DATA_CATEGORIES, type ReferralBasis, type ReferralEvent, type ReferralDeadline, type ReferralStatus } from '@samhandling/domain';
import { asDomainEvent, byInstant, compact, isReferralEvent } from './domain-event';
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

/** One agency's desk: what it was asked to do and what it asked others to do, by answer deadline. */
export interface ReferralBoard {
  agency: string;
  incoming: BoardReferral[];
  outgoing: BoardReferral[];
}

const byDeadline = (a: BoardReferral, b: BoardReferral) => byInstant(a.answerBy, b.answerBy) || a.referralId.localeCompare(b.referralId);

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

function sent(board: ReferralBoard, event: Extract<ReferralEvent, { type: 'ReferralSent' }>): ReferralBoard {
  const { sentBy: _, ...data } = event.data;
  const referral = compact<BoardReferral>({ ...data, status: 'sent', escalations: [], updatedAt: data.sentAt, ownerAgency: data.from });
  const put = (list: BoardReferral[]) => [...list.filter((r) => r.referralId !== data.referralId), referral].sort(byDeadline);
  return {
    ...board,
    incoming: data.to === board.agency ? put(board.incoming) : board.incoming,
    outgoing: data.from === board.agency ? put(board.outgoing) : board.outgoing,
  };
}

/** Follow-up is the sender's duty too: both sides see status, deadlines and escalations. */
export const referralBoardProjection: Projection<ReferralBoard> = {
  name: 'referral-board',
  // The reason may touch on any category the referral names.
  categories: [...DATA_CATEGORIES],
  keyOf(event, context) {
    const domain = asDomainEvent(event);
    if (!domain || !isReferralEvent(domain)) return [];
    const route = domain.type === 'ReferralSent' ? domain.data : context.referral(domain.data.referralId);
    return route ? [...new Set([route.from, route.to])] : [];
  },
  init: (agency) => ({ agency, incoming: [], outgoing: [] }),
  evolve(board, event) {
    const domain = asDomainEvent(event);
    if (!domain || !isReferralEvent(domain)) return board;
    if (domain.type === 'ReferralSent') return sent(board, domain);
    const update = (list: BoardReferral[]) => {
      const index = list.findIndex((r) => r.referralId === domain.data.referralId);
      const next = index >= 0 ? change(domain, list[index]) : undefined;
      return next && next !== list[index] ? list.map((r, i) => (i === index ? next : r)) : list;
    };
    const incoming = update(board.incoming);
    const outgoing = update(board.outgoing);
    return incoming === board.incoming && outgoing === board.outgoing ? board : { ...board, incoming, outgoing };
  },
};
