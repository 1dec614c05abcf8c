import type { DomainEvent } from '@samhandling/domain';
import { referralBoardProjection as board, type ReferralBoard } from './referral-board.projection';
import { project, recorded } from './testing/recorded';
import { AMINA, CHILD_WELFARE, HEALTH, HOUSING, NAV, REFUGEE, scenario } from './testing/scenario';

const boards = (events: DomainEvent[]) => project(board, recorded(events)) as Map<string, ReferralBoard>;

describe('referral-board projection', () => {
  const states = boards(scenario());

  it('gives each party its side: the sender outgoing, the receiver incoming', () => {
    expect([...states.keys()].sort()).toEqual([CHILD_WELFARE, HEALTH, HOUSING, NAV, REFUGEE].sort());
    expect(states.get(HEALTH)!.outgoing.map((r) => r.referralId)).toEqual(['r-1-amina']);
    expect(states.get(HEALTH)!.incoming).toEqual([]);
    expect(states.get(CHILD_WELFARE)!.incoming).toEqual(states.get(HEALTH)!.outgoing);
  });

  it('follows a referral through acknowledgement and acceptance, labelled with the sender', () => {
    expect(states.get(CHILD_WELFARE)!.incoming[0]).toEqual({
      referralId: 'r-1-amina', subjectId: AMINA, from: HEALTH, to: CHILD_WELFARE, reason: 'Daughter withdrawn, not in school.',
      categories: ['child_welfare_concern'], basis: { kind: 'legal', entryId: 'hpl-33' }, status: 'accepted',
      acknowledgeBy: '2026-01-12T10:00:00Z', answerBy: '2026-01-24T10:00:00Z', escalations: [], sentAt: '2026-01-09T10:00:00Z',
      updatedAt: '2026-01-14T08:00:00Z', ownerAgency: HEALTH,
    });
  });

  it('keeps a declined referral with the reason and suggestion, next to the re-sent one, by answer deadline', () => {
    const refugee = states.get(REFUGEE)!;
    expect(refugee.outgoing.map((r) => [r.referralId, r.status])).toEqual([['r-3-amina', 'sent'], ['r-2-amina', 'declined']]);
    expect(refugee.outgoing[1]).toEqual(expect.objectContaining({ declineReason: 'Housing office handles this.', suggestedAgency: HOUSING, updatedAt: '2026-01-10T09:00:00Z' }));
    expect(refugee.outgoing[0]).toEqual(expect.objectContaining({ previousReferralId: 'r-2-amina', escalations: [{ deadline: 'acknowledgement', escalatedAt: '2026-01-13T11:00:00Z' }] }));
    expect(states.get(NAV)!.incoming[0].status).toBe('declined');
  });

  it('routes events that carry only the referral id to both parties', () => {
    const ack = recorded(scenario()).find((e) => e.type === 'ReferralAcknowledged')!;
    expect(board.keyOf(ack, { referral: () => ({ subjectId: AMINA, from: HEALTH, to: CHILD_WELFARE }) })).toEqual([HEALTH, CHILD_WELFARE]);
    expect(board.keyOf(ack, { referral: () => undefined })).toEqual([]);
    expect(board.keyOf(recorded(scenario())[0], { referral: () => undefined })).toEqual([]);
  });

  it('records an escalation once', () => {
    const again = scenario().filter((e) => e.type === 'ReferralEscalated');
    const refugee = boards([...scenario(), ...again]).get(REFUGEE)!;
    expect(refugee.outgoing[0].escalations).toEqual([{ deadline: 'acknowledgement', escalatedAt: '2026-01-13T11:00:00Z' }]);
  });
});
