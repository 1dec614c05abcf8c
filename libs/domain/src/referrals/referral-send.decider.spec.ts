import type { DataCategory } from '../shared/categories';
import { fold } from '../shared/decider';
import { given } from '../testing/given-when-then';
import { ACK_BY, ANSWER_BY, RECEIVER, SENDER, asSender, send, sent } from '../testing/referral.fixtures';
import type { ReferralBasis } from './referral.events';
import { referralDecider } from './referral.decider';

describe('SendReferral', () => {
  it('sends the referral from the calling agency, by its actor, now', () => {
    given(referralDecider, []).when(send()).then([sent]);
  });

  it('sends on the basis of a consent and links the referral it replaces', () => {
    const basis: ReferralBasis = { kind: 'consent', consentId: 'k-1' };
    given(referralDecider, [])
      .when(send({ basis, previousReferralId: 'r-0' }))
      .then([{ ...sent, data: { ...sent.data, basis, previousReferralId: 'r-0' } }]);
  });

  it('carries the purpose the sender declares, which its disclosure is recorded under', () => {
    given(referralDecider, []).when(send({ purpose: 'child_protection' })).then([{ ...sent, data: { ...sent.data, purpose: 'child_protection' } }]);
  });

  it.each(['emergency', 'gossip'])('rejects purpose %j: a referral is no break-glass, and purposes are a fixed list', (purpose) => {
    given(referralDecider, []).when(send({ purpose: purpose as never })).thenThrows('REFERRAL.INVALID_PURPOSE', 'validation');
  });

  it('allows both deadlines at the same instant', () => {
    given(referralDecider, [])
      .when(send({ answerBy: ACK_BY }))
      .then([{ ...sent, data: { ...sent.data, answerBy: ACK_BY } }]);
  });

  it('refuses to send the same referral twice', () => {
    given(referralDecider, [sent]).when(send()).thenThrows('REFERRAL.ALREADY_SENT', 'conflict');
  });

  it.each(['', '   '])('needs a reason (%j)', (reason) => {
    given(referralDecider, []).when(send({ reason })).thenThrows('REFERRAL.REASON_REQUIRED', 'validation');
  });

  it('rejects an agency referring to itself', () => {
    given(referralDecider, []).when(send({ to: SENDER })).thenThrows('REFERRAL.SELF_REFERRAL', 'validation');
  });

  it('needs at least one data category', () => {
    given(referralDecider, []).when(send({ categories: [] })).thenThrows('REFERRAL.NO_CATEGORIES', 'validation');
  });

  it('rejects categories outside the catalogue', () => {
    const categories = ['rumours'] as unknown as DataCategory[];
    given(referralDecider, []).when(send({ categories })).thenThrows('REFERRAL.UNKNOWN_CATEGORY', 'validation');
  });

  it.each([{ kind: 'legal', entryId: ' ' }, { kind: 'consent', consentId: '' }, { kind: 'hunch' }])('rejects basis %j', (basis) => {
    given(referralDecider, [])
      .when(send({ basis: basis as ReferralBasis }))
      .thenThrows('REFERRAL.INVALID_BASIS', 'validation');
  });

  it('rejects an answer deadline before the acknowledgement deadline', () => {
    given(referralDecider, [])
      .when(send({ acknowledgeBy: ANSWER_BY, answerBy: ACK_BY }))
      .thenThrows('REFERRAL.INVALID_DEADLINES', 'validation');
  });

  it.each([
    ['acknowledgement due now', { acknowledgeBy: '2026-01-10T10:00:00Z' }],
    ['both due in the past', { acknowledgeBy: '2026-01-01T00:00:00Z', answerBy: '2026-01-02T00:00:00Z' }],
  ])('rejects deadlines not in the future: %s', (_case, deadlines) => {
    given(referralDecider, []).when(send(deadlines)).thenThrows('REFERRAL.DUE_IN_PAST', 'validation');
  });

  it('rejects a deadline that is not an instant', () => {
    given(referralDecider, []).when(send({ answerBy: 'next week' }, asSender())).thenThrows('COMMON.INVALID_INSTANT', 'validation');
  });
});

describe('referral state after sending', () => {
  it('holds parties, subject, categories, basis and deadlines', () => {
    expect(fold(referralDecider, [sent])).toStrictEqual({
      status: 'sent',
      referralId: 'r-1',
      subjectId: 'sara',
      from: SENDER,
      to: RECEIVER,
      reason: sent.data.reason,
      categories: ['child_welfare_concern', 'family_situation'],
      basis: { kind: 'legal', entryId: 'hpl-33-notify-child-welfare' },
      deadlines: { acknowledgement: ACK_BY, answer: ANSWER_BY },
      escalated: {},
    });
  });
});
