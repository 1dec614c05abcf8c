import type { CommandMetadata } from '../shared/decider';
import type { ReferralCommand, SendReferral } from '../referrals/referral.commands';
import type {
  ReferralAccepted,
  ReferralAcknowledged,
  ReferralCompleted,
  ReferralDeadline,
  ReferralDeclined,
  ReferralEscalated,
  ReferralSent,
} from '../referrals/referral.events';
import { meta } from './metadata';

/** The health service refers a family to child welfare; shared by the referral specs. */
export const SENDER = 'health-oslo';
export const RECEIVER = 'barnevern-oslo';
export const SENT_AT = '2026-01-10T10:00:00Z';
export const ACK_BY = '2026-01-13T10:00:00Z';
export const ANSWER_BY = '2026-01-24T10:00:00Z';
export const LATER = '2026-01-12T09:00:00Z';

export const asSender = (now = SENT_AT): CommandMetadata => meta({ agency: SENDER, actor: 'nurse-1', now });
export const asReceiver = (now = LATER): CommandMetadata => meta({ agency: RECEIVER, actor: 'caseworker-2', now });
export const asScheduler = (now: string): CommandMetadata => meta({ agency: 'samhandling', actor: 'deadline-scheduler', now });

type CommandOf<T extends ReferralCommand['type']> = Extract<ReferralCommand, { type: T }>;
export const command = <T extends ReferralCommand['type']>(type: T, data: CommandOf<T>['data'], metadata = asReceiver()) =>
  ({ type, data, metadata }) as CommandOf<T>;

export const send = (data: Partial<SendReferral['data']> = {}, metadata = asSender()): SendReferral =>
  command(
    'SendReferral',
    {
      referralId: 'r-1',
      subjectId: 'sara',
      to: RECEIVER,
      reason: 'Child seems withdrawn and has not started school; mother asks for help.',
      categories: ['child_welfare_concern', 'family_situation'],
      basis: { kind: 'legal', entryId: 'hpl-33-notify-child-welfare' },
      acknowledgeBy: ACK_BY,
      answerBy: ANSWER_BY,
      ...data,
    },
    metadata,
  );

export const sent: ReferralSent = {
  type: 'ReferralSent',
  data: { ...send().data, from: SENDER, sentBy: 'nurse-1', sentAt: SENT_AT },
};

const by = { by: RECEIVER, actor: 'caseworker-2' };
export const acknowledged: ReferralAcknowledged = { type: 'ReferralAcknowledged', data: { referralId: 'r-1', ...by, acknowledgedAt: LATER } };
export const accepted: ReferralAccepted = { type: 'ReferralAccepted', data: { referralId: 'r-1', ...by, acceptedAt: LATER } };
export const declined: ReferralDeclined = {
  type: 'ReferralDeclined',
  data: { referralId: 'r-1', ...by, reason: 'Not a child-welfare matter; school health service can follow up.', declinedAt: LATER },
};
export const completed: ReferralCompleted = {
  type: 'ReferralCompleted',
  data: { referralId: 'r-1', ...by, outcome: 'Family support measures agreed', completedAt: LATER },
};
export const escalated = (deadline: ReferralDeadline, escalatedAt: string): ReferralEscalated => ({
  type: 'ReferralEscalated',
  data: { referralId: 'r-1', deadline, dueAt: deadline === 'acknowledgement' ? ACK_BY : ANSWER_BY, escalatedAt, notify: [SENDER] },
});
