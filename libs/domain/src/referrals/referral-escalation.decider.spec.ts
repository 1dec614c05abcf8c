import { fold } from '../shared/decider';
import { given } from '../testing/given-when-then';
import {
  ACK_BY,
  ANSWER_BY,
  accepted,
  acknowledged,
  asScheduler,
  command,
  completed,
  declined,
  escalated,
  sent,
} from '../testing/referral.fixtures';
import type { ReferralDeadline } from './referral.events';
import { referralDecider } from './referral.decider';

const AFTER_ACK = '2026-01-13T10:00:01Z';
const AFTER_ANSWER = '2026-01-24T12:00:00Z';
const escalate = (deadline: ReferralDeadline, now: string) => command('EscalateReferral', { referralId: 'r-1', deadline }, asScheduler(now));

describe('EscalateReferral', () => {
  it('tells the coordinator too when the scheduler names one', () => {
    given(referralDecider, [sent])
      .when(command('EscalateReferral', { referralId: 'r-1', deadline: 'acknowledgement', coordinator: 'oslo-refugee' }, asScheduler(AFTER_ACK)))
      .then([{ ...escalated('acknowledgement', AFTER_ACK), data: { ...escalated('acknowledgement', AFTER_ACK).data, notify: ['health-oslo', 'oslo-refugee'] } }]);
  });

  it.each(['health-oslo', 'barnevern-oslo'])('does not list the coordinator twice or notify the late receiver as coordinator (%s)', (coordinator) => {
    given(referralDecider, [sent])
      .when(command('EscalateReferral', { referralId: 'r-1', deadline: 'acknowledgement', coordinator }, asScheduler(AFTER_ACK)))
      .then([escalated('acknowledgement', AFTER_ACK)]);
  });

  it('tells the sender when the acknowledgement deadline passes unanswered', () => {
    given(referralDecider, [sent]).when(escalate('acknowledgement', AFTER_ACK)).then([escalated('acknowledgement', AFTER_ACK)]);
  });

  it.each([[[sent]], [[sent, acknowledged]]])('escalates an unanswered referral when the answer deadline passes', (history) => {
    given(referralDecider, history).when(escalate('answer', AFTER_ANSWER)).then([escalated('answer', AFTER_ANSWER)]);
  });

  it('escalates the answer deadline after the acknowledgement one', () => {
    given(referralDecider, [sent, escalated('acknowledgement', AFTER_ACK)])
      .when(escalate('answer', AFTER_ANSWER))
      .then([escalated('answer', AFTER_ANSWER)]);
  });

  it('fails for a referral that was never sent', () => {
    given(referralDecider, []).when(escalate('answer', AFTER_ANSWER)).thenThrows('REFERRAL.NOT_FOUND', 'not_found');
  });

  it.each([
    ['acknowledgement', ACK_BY],
    ['answer', ANSWER_BY],
    ['answer', AFTER_ACK],
  ] as const)('waits until the %s deadline has passed (now %s)', (deadline, now) => {
    given(referralDecider, [sent]).when(escalate(deadline, now)).thenThrows('REFERRAL.DEADLINE_NOT_PASSED', 'conflict');
  });

  it('escalates each deadline once', () => {
    given(referralDecider, [sent, escalated('acknowledgement', AFTER_ACK)])
      .when(escalate('acknowledgement', '2026-01-14T10:00:00Z'))
      .thenThrows('REFERRAL.ALREADY_ESCALATED', 'conflict');
  });

  it('does not escalate an acknowledgement deadline that was met', () => {
    given(referralDecider, [sent, acknowledged]).when(escalate('acknowledgement', AFTER_ACK)).thenThrows('REFERRAL.DEADLINE_MET', 'conflict');
  });

  it('does not escalate an answer deadline that was met by accepting', () => {
    given(referralDecider, [sent, acknowledged, accepted]).when(escalate('answer', AFTER_ANSWER)).thenThrows('REFERRAL.DEADLINE_MET', 'conflict');
  });

  it.each([[[sent, declined]], [[sent, acknowledged, accepted, completed]]])('does not escalate a closed referral', (history) => {
    given(referralDecider, history).when(escalate('answer', AFTER_ANSWER)).thenThrows('REFERRAL.ALREADY_CLOSED', 'conflict');
  });

  it('remembers when each deadline was escalated', () => {
    const state = fold(referralDecider, [sent, escalated('acknowledgement', AFTER_ACK), acknowledged]);
    expect(state).toMatchObject({ status: 'acknowledged', escalated: { acknowledgement: AFTER_ACK } });
  });
});
