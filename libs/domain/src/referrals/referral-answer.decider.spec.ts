import { fold } from '../shared/decider';
import { given } from '../testing/given-when-then';
import {
  LATER,
  RECEIVER,
  accepted,
  acknowledged,
  asSender,
  command,
  completed,
  declined,
  sent,
} from '../testing/referral.fixtures';
import { referralDecider } from './referral.decider';

const acknowledge = () => command('AcknowledgeReferral', { referralId: 'r-1' });
const accept = (note?: string) => command('AcceptReferral', { referralId: 'r-1', ...(note !== undefined ? { note } : {}) });
const decline = (reason = declined.data.reason, suggestedAgency?: string) =>
  command('DeclineReferral', { referralId: 'r-1', reason, ...(suggestedAgency !== undefined ? { suggestedAgency } : {}) });
const complete = (outcome = completed.data.outcome) => command('CompleteReferral', { referralId: 'r-1', outcome });

describe('AcknowledgeReferral', () => {
  it('lets the receiving agency acknowledge a sent referral', () => {
    given(referralDecider, [sent]).when(acknowledge()).then([acknowledged]);
  });

  it('fails for a referral that was never sent', () => {
    given(referralDecider, []).when(acknowledge()).thenThrows('REFERRAL.NOT_FOUND', 'not_found');
  });

  it('is reserved to the receiving agency', () => {
    given(referralDecider, [sent])
      .when(command('AcknowledgeReferral', { referralId: 'r-1' }, asSender(LATER)))
      .thenThrows('REFERRAL.NOT_RECIPIENT', 'forbidden');
  });

  it.each([[[sent, acknowledged]], [[sent, acknowledged, accepted]]])('cannot acknowledge twice', (history) => {
    given(referralDecider, history).when(acknowledge()).thenThrows('REFERRAL.ALREADY_ACKNOWLEDGED', 'conflict');
  });

  it('cannot acknowledge a declined referral', () => {
    given(referralDecider, [sent, declined]).when(acknowledge()).thenThrows('REFERRAL.ALREADY_DECLINED', 'conflict');
  });

  it('cannot acknowledge a completed referral', () => {
    given(referralDecider, [sent, acknowledged, accepted, completed]).when(acknowledge()).thenThrows('REFERRAL.ALREADY_CLOSED', 'conflict');
  });
});

describe('AcceptReferral', () => {
  it('accepts an acknowledged referral', () => {
    given(referralDecider, [sent, acknowledged]).when(accept()).then([accepted]);
  });

  it('accepting straight from sent also records the acknowledgement', () => {
    given(referralDecider, [sent]).when(accept()).then([acknowledged, accepted]);
  });

  it('keeps a note', () => {
    given(referralDecider, [sent, acknowledged])
      .when(accept('Home visit planned next week'))
      .then([{ ...accepted, data: { ...accepted.data, note: 'Home visit planned next week' } }]);
  });

  it('fails for a referral that was never sent', () => {
    given(referralDecider, []).when(accept()).thenThrows('REFERRAL.NOT_FOUND', 'not_found');
  });

  it('is reserved to the receiving agency', () => {
    given(referralDecider, [sent])
      .when(command('AcceptReferral', { referralId: 'r-1' }, asSender(LATER)))
      .thenThrows('REFERRAL.NOT_RECIPIENT', 'forbidden');
  });

  it('cannot accept twice', () => {
    given(referralDecider, [sent, acknowledged, accepted]).when(accept()).thenThrows('REFERRAL.ALREADY_ACCEPTED', 'conflict');
  });

  it('cannot accept a declined referral', () => {
    given(referralDecider, [sent, declined]).when(accept()).thenThrows('REFERRAL.ALREADY_DECLINED', 'conflict');
  });

  it('cannot accept a completed referral', () => {
    given(referralDecider, [sent, acknowledged, accepted, completed]).when(accept()).thenThrows('REFERRAL.ALREADY_CLOSED', 'conflict');
  });
});

describe('DeclineReferral', () => {
  it.each([[[sent]], [[sent, acknowledged]]])('declines a referral that is not yet accepted', (history) => {
    given(referralDecider, history).when(decline()).then([declined]);
  });

  it('keeps the suggested agency', () => {
    given(referralDecider, [sent])
      .when(decline(undefined, 'school-health-oslo'))
      .then([{ ...declined, data: { ...declined.data, suggestedAgency: 'school-health-oslo' } }]);
  });

  it('fails for a referral that was never sent', () => {
    given(referralDecider, []).when(decline()).thenThrows('REFERRAL.NOT_FOUND', 'not_found');
  });

  it('is reserved to the receiving agency', () => {
    given(referralDecider, [sent])
      .when(command('DeclineReferral', { referralId: 'r-1', reason: 'x' }, asSender(LATER)))
      .thenThrows('REFERRAL.NOT_RECIPIENT', 'forbidden');
  });

  it.each(['', '  '])('needs a reason (%j)', (reason) => {
    given(referralDecider, [sent]).when(decline(reason)).thenThrows('REFERRAL.DECLINE_REASON_REQUIRED', 'validation');
  });

  it('cannot suggest the declining agency itself', () => {
    given(referralDecider, [sent]).when(decline(undefined, RECEIVER)).thenThrows('REFERRAL.SUGGESTED_SELF', 'validation');
  });

  it('cannot decline after accepting', () => {
    given(referralDecider, [sent, acknowledged, accepted]).when(decline()).thenThrows('REFERRAL.ALREADY_ACCEPTED', 'conflict');
  });

  it('cannot decline twice', () => {
    given(referralDecider, [sent, declined]).when(decline()).thenThrows('REFERRAL.ALREADY_DECLINED', 'conflict');
  });

  it('cannot decline a completed referral', () => {
    given(referralDecider, [sent, acknowledged, accepted, completed]).when(decline()).thenThrows('REFERRAL.ALREADY_CLOSED', 'conflict');
  });
});

describe('CompleteReferral', () => {
  it('completes an accepted referral with its outcome', () => {
    given(referralDecider, [sent, acknowledged, accepted]).when(complete()).then([completed]);
  });

  it('fails for a referral that was never sent', () => {
    given(referralDecider, []).when(complete()).thenThrows('REFERRAL.NOT_FOUND', 'not_found');
  });

  it('is reserved to the receiving agency', () => {
    given(referralDecider, [sent, acknowledged, accepted])
      .when(command('CompleteReferral', { referralId: 'r-1', outcome: 'done' }, asSender(LATER)))
      .thenThrows('REFERRAL.NOT_RECIPIENT', 'forbidden');
  });

  it.each([[[sent]], [[sent, acknowledged]]])('cannot complete before accepting', (history) => {
    given(referralDecider, history).when(complete()).thenThrows('REFERRAL.NOT_ACCEPTED', 'conflict');
  });

  it.each([[[sent, declined]], [[sent, acknowledged, accepted, completed]]])('cannot complete a closed referral', (history) => {
    given(referralDecider, history).when(complete()).thenThrows('REFERRAL.ALREADY_CLOSED', 'conflict');
  });

  it('needs an outcome', () => {
    given(referralDecider, [sent, acknowledged, accepted]).when(complete(' ')).thenThrows('REFERRAL.OUTCOME_REQUIRED', 'validation');
  });
});

describe('referral status', () => {
  it.each([
    [[sent, acknowledged], 'acknowledged'],
    [[sent, acknowledged, accepted], 'accepted'],
    [[sent, declined], 'declined'],
    [[sent, acknowledged, accepted, completed], 'completed'],
  ] as const)('follows the lifecycle (%#)', (history, status) => {
    expect(fold(referralDecider, history).status).toBe(status);
  });

  it('ignores answers without a sent referral', () => {
    expect(fold(referralDecider, [acknowledged])).toStrictEqual({ status: 'not_sent' });
  });
});
