import { fold } from '../shared/decider';
import { DomainError } from '../shared/errors';
import { given } from '../testing/given-when-then';
import { meta } from '../testing/metadata';
import { ACK_BY, ANSWER_BY, acknowledged, asSender, declined, RECEIVER, SENDER, sent } from '../testing/referral.fixtures';
import { referralDecider } from './referral.decider';
import { reReferral, type ReReferral } from './referral.rereferral';
import type { ReferralDeclined, ReferralEvent } from './referral.events';

const SCHOOL_HEALTH = 'school-health-oslo';
const declinedWithSuggestion: ReferralDeclined = { ...declined, data: { ...declined.data, suggestedAgency: SCHOOL_HEALTH } };
const input = (over: Partial<ReReferral> = {}): ReReferral => ({ referralId: 'r-2', acknowledgeBy: ACK_BY, answerBy: ANSWER_BY, ...over });
const stateOf = (events: ReferralEvent[]) => fold(referralDecider, events);

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return undefined;
}

describe('re-referral after a decline', () => {
  it('sends the same matter, basis and categories to the suggested agency, chained to the declined referral', () => {
    const command = reReferral(stateOf([sent, declinedWithSuggestion]), 'r-1', input(), asSender());
    expect(command).toStrictEqual({
      type: 'SendReferral',
      data: {
        referralId: 'r-2', subjectId: 'sara', to: SCHOOL_HEALTH, reason: sent.data.reason, categories: sent.data.categories,
        basis: sent.data.basis, acknowledgeBy: ACK_BY, answerBy: ANSWER_BY, previousReferralId: 'r-1',
      },
      metadata: asSender(),
    });
    // The result is decided as an ordinary referral on its own stream.
    given(referralDecider, []).when(command).then([
      { type: 'ReferralSent', data: { ...command.data, from: SENDER, sentBy: 'nurse-1', sentAt: asSender().now } },
    ]);
  });

  it('keeps the declined referral\'s purpose', () => {
    const withPurpose = { ...sent, data: { ...sent.data, purpose: 'child_protection' as const } };
    expect(reReferral(stateOf([withPurpose, declinedWithSuggestion]), 'r-1', input(), asSender()).data.purpose).toBe('child_protection');
  });

  it('lets the sender choose another agency and reword the reason', () => {
    const command = reReferral(stateOf([sent, declined]), 'r-1', input({ to: 'nav-oslo', reason: 'Needs financial advice' }), asSender());
    expect(command.data).toMatchObject({ to: 'nav-oslo', reason: 'Needs financial advice', previousReferralId: 'r-1' });
  });

  it.each<[string, ReferralEvent[], Partial<ReReferral>, ReturnType<typeof meta>]>([
    ['REFERRAL.NOT_FOUND', [], {}, asSender()],
    ['REFERRAL.NOT_SENDER', [sent, declinedWithSuggestion], {}, meta({ agency: 'nav-oslo' })],
    ['REFERRAL.NOT_DECLINED', [sent, acknowledged], {}, asSender()],
    ['REFERRAL.RECIPIENT_REQUIRED', [sent, declined], {}, asSender()],
    ['REFERRAL.SAME_RECIPIENT', [sent, declined], { to: RECEIVER }, asSender()],
  ])('refuses with %s', (code, history, over, metadata) => {
    expect(codeOf(() => reReferral(stateOf(history), 'r-1', input(over), metadata))).toBe(code);
  });
});
