import type { DataCategory, Purpose } from '../shared/categories';
import { assertNever, type CommandMetadata, type Decider } from '../shared/decider';
import { conflict, forbidden, invalid, notFound } from '../shared/errors';
import { instant } from '../shared/time';
import { isBlank } from '../shared/validation';
import type { EscalateReferral, ReferralCommand } from './referral.commands';
import type { ReferralBasis, ReferralDeadline, ReferralEvent } from './referral.events';
import { referralSent, validateSend } from './referral.send';

export type ReferralStatus = 'sent' | 'acknowledged' | 'accepted' | 'declined' | 'completed';

export interface Referral {
  status: ReferralStatus;
  referralId: string;
  subjectId: string;
  from: string;
  to: string;
  reason: string;
  categories: DataCategory[];
  basis: ReferralBasis;
  purpose?: Purpose;
  previousReferralId?: string;
  deadlines: Record<ReferralDeadline, string>;
  /** Why the receiver declined and whom it suggested, for the sender's next step. */
  decline?: { reason: string; suggestedAgency?: string };
  /** Escalation time per deadline; each deadline escalates once. */
  escalated: Partial<Record<ReferralDeadline, string>>;
}

export type ReferralState = { status: 'not_sent' } | Referral;

export const initialReferralState = (): ReferralState => ({ status: 'not_sent' });

export function evolveReferral(state: ReferralState, event: ReferralEvent): ReferralState {
  if (event.type === 'ReferralSent') {
    const { referralId, subjectId, from, to, reason, categories, basis, purpose, acknowledgeBy, answerBy, previousReferralId } = event.data;
    const deadlines = { acknowledgement: acknowledgeBy, answer: answerBy };
    const previous = previousReferralId !== undefined ? { previousReferralId } : {};
    return { status: 'sent', referralId, subjectId, from, to, reason, categories, basis, ...(purpose !== undefined ? { purpose } : {}), ...previous, deadlines, escalated: {} };
  }
  if (state.status === 'not_sent') return state;
  switch (event.type) {
    case 'ReferralAcknowledged':
      return { ...state, status: 'acknowledged' };
    case 'ReferralAccepted':
      return { ...state, status: 'accepted' };
    case 'ReferralDeclined': {
      const { reason, suggestedAgency } = event.data;
      return { ...state, status: 'declined', decline: { reason, ...(suggestedAgency !== undefined ? { suggestedAgency } : {}) } };
    }
    case 'ReferralCompleted':
      return { ...state, status: 'completed' };
    case 'ReferralEscalated':
      return { ...state, escalated: { ...state.escalated, [event.data.deadline]: event.data.escalatedAt } };
    default:
      return assertNever(event);
  }
}

function requireReferral(state: ReferralState, referralId: string): Referral {
  if (state.status === 'not_sent') throw notFound('REFERRAL.NOT_FOUND', `Referral ${referralId} does not exist`);
  return state;
}

/** Only the receiving agency answers a referral; the sender follows up through escalations. */
function requireRecipient(state: ReferralState, referralId: string, { agency }: CommandMetadata): Referral {
  const referral = requireReferral(state, referralId);
  if (agency !== referral.to) throw forbidden('REFERRAL.NOT_RECIPIENT', `Only ${referral.to} may answer referral ${referralId}`);
  return referral;
}

const alreadyDeclined = (r: Referral) => conflict('REFERRAL.ALREADY_DECLINED', `Referral ${r.referralId} was declined`);
const alreadyClosed = (r: Referral) => conflict('REFERRAL.ALREADY_CLOSED', `Referral ${r.referralId} is ${r.status}`);
const alreadyAcknowledged = (r: Referral) => conflict('REFERRAL.ALREADY_ACKNOWLEDGED', `Referral ${r.referralId} is already ${r.status}`);
const alreadyAccepted = (r: Referral) => conflict('REFERRAL.ALREADY_ACCEPTED', `Referral ${r.referralId} is already accepted`);

/** Acknowledge, accept and decline while it is declined tell the caller so; otherwise a closed referral is closed. */
function rejectClosed(r: Referral): void {
  if (r.status === 'declined') throw alreadyDeclined(r);
  if (r.status === 'completed') throw alreadyClosed(r);
}

function escalate({ data, metadata }: EscalateReferral, state: ReferralState): ReferralEvent[] {
  const referral = requireReferral(state, data.referralId);
  if (referral.status === 'declined' || referral.status === 'completed') throw alreadyClosed(referral);
  const met = data.deadline === 'acknowledgement' ? referral.status !== 'sent' : referral.status === 'accepted';
  if (met) throw conflict('REFERRAL.DEADLINE_MET', `The ${data.deadline} deadline of ${data.referralId} was met`);
  if (referral.escalated[data.deadline] !== undefined) {
    throw conflict('REFERRAL.ALREADY_ESCALATED', `The ${data.deadline} deadline was escalated at ${referral.escalated[data.deadline]}`);
  }
  const dueAt = referral.deadlines[data.deadline];
  // The sender always; the coordinator too, unless it is the sender or the late receiver itself.
  const coordinator = data.coordinator;
  const notify = coordinator && coordinator !== referral.from && coordinator !== referral.to ? [referral.from, coordinator] : [referral.from];
  if (instant(metadata.now, 'now') <= instant(dueAt, 'dueAt')) {
    throw conflict('REFERRAL.DEADLINE_NOT_PASSED', `The ${data.deadline} deadline (${dueAt}) has not passed`);
  }
  return [
    { type: 'ReferralEscalated', data: { referralId: data.referralId, deadline: data.deadline, dueAt, escalatedAt: metadata.now, notify } },
  ];
}

export function decideReferral(command: ReferralCommand, state: ReferralState): ReferralEvent[] {
  const { metadata } = command;
  const by = { by: metadata.agency, actor: metadata.actor };
  switch (command.type) {
    case 'SendReferral':
      if (state.status !== 'not_sent') throw conflict('REFERRAL.ALREADY_SENT', `Referral ${command.data.referralId} was already sent`);
      validateSend(command.data, metadata);
      return [referralSent(command)];
    case 'AcknowledgeReferral': {
      const referral = requireRecipient(state, command.data.referralId, metadata);
      rejectClosed(referral);
      if (referral.status !== 'sent') throw alreadyAcknowledged(referral);
      return [{ type: 'ReferralAcknowledged', data: { referralId: referral.referralId, ...by, acknowledgedAt: metadata.now } }];
    }
    case 'AcceptReferral': {
      const { referralId, note } = command.data;
      const referral = requireRecipient(state, referralId, metadata);
      rejectClosed(referral);
      if (referral.status === 'accepted') throw alreadyAccepted(referral);
      // Accepting implies having seen it: the acknowledgement deadline counts as met.
      const acknowledged: ReferralEvent[] =
        referral.status === 'sent' ? [{ type: 'ReferralAcknowledged', data: { referralId, ...by, acknowledgedAt: metadata.now } }] : [];
      const accepted: ReferralEvent = {
        type: 'ReferralAccepted',
        data: { referralId, ...by, ...(note !== undefined ? { note } : {}), acceptedAt: metadata.now },
      };
      return [...acknowledged, accepted];
    }
    case 'DeclineReferral': {
      const { referralId, reason, suggestedAgency } = command.data;
      const referral = requireRecipient(state, referralId, metadata);
      rejectClosed(referral);
      if (referral.status === 'accepted') throw alreadyAccepted(referral);
      if (isBlank(reason)) throw invalid('REFERRAL.DECLINE_REASON_REQUIRED', 'A decline must say why, so the sender can act on it');
      if (suggestedAgency === metadata.agency) throw invalid('REFERRAL.SUGGESTED_SELF', 'The declining agency cannot suggest itself');
      const suggested = suggestedAgency !== undefined ? { suggestedAgency } : {};
      return [{ type: 'ReferralDeclined', data: { referralId, ...by, reason, ...suggested, declinedAt: metadata.now } }];
    }
    case 'CompleteReferral': {
      const { referralId, outcome } = command.data;
      const referral = requireRecipient(state, referralId, metadata);
      if (referral.status === 'declined' || referral.status === 'completed') throw alreadyClosed(referral);
      if (referral.status !== 'accepted') throw conflict('REFERRAL.NOT_ACCEPTED', `Referral ${referralId} must be accepted before it is completed`);
      if (isBlank(outcome)) throw invalid('REFERRAL.OUTCOME_REQUIRED', 'A completion must state the outcome');
      return [{ type: 'ReferralCompleted', data: { referralId, ...by, outcome, completedAt: metadata.now } }];
    }
    case 'EscalateReferral':
      return escalate(command, state);
    default:
      return assertNever(command);
  }
}

export const referralDecider: Decider<ReferralState, ReferralCommand, ReferralEvent> = {
  decide: decideReferral,
  evolve: evolveReferral,
  initialState: initialReferralState,
};
