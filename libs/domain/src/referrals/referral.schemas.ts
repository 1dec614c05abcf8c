import { arrayOf, ref, str, type EventSchemas } from '../shared/schema';
import type { ReferralEvent } from './referral.events';

/** A referral and its answers, as the agencies involved receive them. */
export const REFERRAL_EVENT_SCHEMAS: EventSchemas<ReferralEvent> = {
  ReferralSent: {
    type: 'object',
    required: ['referralId', 'subjectId', 'from', 'to', 'reason', 'categories', 'basis', 'acknowledgeBy', 'answerBy', 'sentBy', 'sentAt'],
    properties: {
      referralId: ref('Uuid'),
      subjectId: ref('Uuid'),
      from: ref('AgencyId'),
      to: ref('AgencyId'),
      reason: str,
      categories: arrayOf(ref('DataCategory')),
      basis: ref('SharingBasis'),
      purpose: {
        ...ref('Purpose'),
        description: 'What the referral is for, as the sender declared it; the receiver\'s disclosure is recorded under it. Absent on referrals sent without one (and before the field existed); their disclosure is recorded under the purpose the basis names.',
      },
      acknowledgeBy: ref('Instant'),
      answerBy: ref('Instant'),
      previousReferralId: ref('Uuid'),
      sentBy: str,
      sentAt: ref('Instant'),
    },
  },
  ReferralAcknowledged: {
    type: 'object',
    required: ['referralId', 'by', 'actor', 'acknowledgedAt'],
    properties: { referralId: ref('Uuid'), by: ref('AgencyId'), actor: str, acknowledgedAt: ref('Instant') },
  },
  ReferralAccepted: {
    type: 'object',
    required: ['referralId', 'by', 'actor', 'acceptedAt'],
    properties: { referralId: ref('Uuid'), by: ref('AgencyId'), actor: str, note: str, acceptedAt: ref('Instant') },
  },
  ReferralDeclined: {
    type: 'object',
    required: ['referralId', 'by', 'actor', 'reason', 'declinedAt'],
    properties: { referralId: ref('Uuid'), by: ref('AgencyId'), actor: str, reason: str, suggestedAgency: ref('AgencyId'), declinedAt: ref('Instant') },
  },
  ReferralCompleted: {
    type: 'object',
    required: ['referralId', 'by', 'actor', 'outcome', 'completedAt'],
    properties: { referralId: ref('Uuid'), by: ref('AgencyId'), actor: str, outcome: str, completedAt: ref('Instant') },
  },
  ReferralEscalated: {
    type: 'object',
    required: ['referralId', 'deadline', 'dueAt', 'escalatedAt', 'notify'],
    properties: {
      referralId: ref('Uuid'),
      deadline: { type: 'string', enum: ['acknowledgement', 'answer'] },
      dueAt: ref('Instant'),
      escalatedAt: ref('Instant'),
      notify: arrayOf(ref('AgencyId')),
    },
  },
};
