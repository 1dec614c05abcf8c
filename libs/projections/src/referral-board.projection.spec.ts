import type { DomainEvent } from '@samhandling/domain';
import { referralBoardProjection as board, type BoardEntry, type BoardReferral } from './referral-board.projection';
import { project, recorded } from './testing/recorded';
import { AMINA, CHILD_WELFARE, HEALTH, HOUSING, NAV, REFUGEE, scenario } from './testing/scenario';

const referrals = (events: DomainEvent[]) => project(board, recorded(events)) as Map<string, BoardEntry>;
const sent = (states: Map<string, BoardEntry>, id: string) => states.get(id) as BoardReferral;

describe('referral-board projection', () => {
  const states = referrals(scenario());

  it('keeps one state per referral, naming both parties', () => {
    expect([...states.keys()].sort()).toEqual(['r-1-amina', 'r-2-amina', 'r-3-amina']);
    expect([...states.values()].map((r) => [(r as BoardReferral).from, (r as BoardReferral).to])).toEqual(
      expect.arrayContaining([[HEALTH, CHILD_WELFARE], [REFUGEE, NAV], [REFUGEE, HOUSING]]),
    );
  });

  it('follows a referral through acknowledgement and acceptance, labelled with the sender', () => {
    expect(sent(states, 'r-1-amina')).toEqual({
      referralId: 'r-1-amina', subjectId: AMINA, from: HEALTH, to: CHILD_WELFARE, reason: 'Daughter withdrawn, not in school.',
      categories: ['child_welfare_concern'], basis: { kind: 'legal', entryId: 'hpl-33' }, status: 'accepted',
      acknowledgeBy: '2026-01-12T10:00:00Z', answerBy: '2026-01-24T10:00:00Z', escalations: [], sentAt: '2026-01-09T10:00:00Z',
      updatedAt: '2026-01-14T08:00:00Z', ownerAgency: HEALTH,
    });
  });

  it('keeps a declined referral with the reason and suggestion, next to the re-sent one', () => {
    expect(sent(states, 'r-2-amina')).toEqual(expect.objectContaining({ status: 'declined', declineReason: 'Housing office handles this.', suggestedAgency: HOUSING, updatedAt: '2026-01-10T09:00:00Z' }));
    expect(sent(states, 'r-3-amina')).toEqual(expect.objectContaining({ status: 'sent', previousReferralId: 'r-2-amina', escalations: [{ deadline: 'acknowledgement', escalatedAt: '2026-01-13T11:00:00Z' }] }));
  });

  it('keys every event of a referral by its id alone, so an event costs the same whatever the board holds', () => {
    const ack = recorded(scenario()).find((e) => e.type === 'ReferralAcknowledged')!;
    expect(board.keyOf(ack, { referral: () => undefined })).toEqual(['r-1-amina']);
    expect(board.keyOf(recorded(scenario())[0], { referral: () => undefined })).toEqual([]);
  });

  it('leaves a referral whose ReferralSent it has not seen unsent (never stored), and records an escalation once', () => {
    const followers = referrals(scenario().filter((e) => e.type !== 'ReferralSent'));
    expect([...followers.values()]).toEqual([...followers.keys()].map((referralId) => ({ referralId, unsent: true })));
    const again = scenario().filter((e) => e.type === 'ReferralEscalated');
    expect(sent(referrals([...scenario(), ...again]), 'r-3-amina').escalations).toEqual([{ deadline: 'acknowledgement', escalatedAt: '2026-01-13T11:00:00Z' }]);
  });
});
