import type { DomainEvent } from '@samhandling/domain';
import { coordinatorKey, deadlineKey, referralDeadlinesProjection as deadlines, type ReferralDeadlinesState } from './referral-deadlines.projection';
import { project, recorded } from './testing/recorded';
import { AMINA, CHILD_WELFARE, HEALTH, HOUSING, NAV, REFUGEE, scenario } from './testing/scenario';

const fold = (events: DomainEvent[]) => project(deadlines, recorded(events)) as Map<string, ReferralDeadlinesState>;
const openKeys = (states: Map<string, ReferralDeadlinesState>) =>
  [...states].filter(([, s]) => s.kind === 'deadline' && s.status === 'open').map(([key]) => key).sort();

const designated = (agency: string, designatedAt: string, subjectId = AMINA): DomainEvent => ({
  type: 'CoordinatorDesignated',
  data: { subjectId, agency, basis: { kind: 'consent', consentId: 'k-9' }, designatedBy: agency, designatedAt },
});

describe('referral-deadlines projection', () => {
  const states = fold(scenario());

  it('keeps one row per deadline with the parties and the due time in UTC', () => {
    expect(states.get(deadlineKey('r-3-amina', 'answer'))).toEqual({
      kind: 'deadline', referralId: 'r-3-amina', subjectId: AMINA, from: REFUGEE, to: HOUSING, deadline: 'answer',
      dueAt: '2026-01-18T10:00:00.000Z', status: 'open',
    });
  });

  it('leaves open only deadlines nobody met, answered or escalated', () => {
    // r-1 was acknowledged and accepted, r-2 declined, r-3's acknowledgement escalated.
    expect(openKeys(states)).toEqual([deadlineKey('r-3-amina', 'answer')]);
    expect(states.get(deadlineKey('r-1-amina', 'acknowledgement'))).toMatchObject({ status: 'met', metAt: '2026-01-10T08:00:00Z', to: CHILD_WELFARE });
    expect(states.get(deadlineKey('r-1-amina', 'answer'))).toMatchObject({ status: 'met', metAt: '2026-01-14T08:00:00Z' });
    expect(states.get(deadlineKey('r-2-amina', 'acknowledgement'))).toMatchObject({ status: 'closed', closedAt: '2026-01-10T09:00:00Z', to: NAV });
    expect(states.get(deadlineKey('r-2-amina', 'answer'))).toMatchObject({ status: 'closed' });
  });

  it('marks an escalated deadline, once, and remembers a late answer without reopening it', () => {
    expect(states.get(deadlineKey('r-3-amina', 'acknowledgement'))).toMatchObject({ status: 'escalated', escalatedAt: '2026-01-13T11:00:00Z' });
    const late: DomainEvent[] = [
      { type: 'ReferralEscalated', data: { referralId: 'r-3-amina', deadline: 'acknowledgement', dueAt: 'x', escalatedAt: '2026-01-20T00:00:00Z', notify: [REFUGEE] } },
      { type: 'ReferralAcknowledged', data: { referralId: 'r-3-amina', by: HOUSING, actor: 'h-1', acknowledgedAt: '2026-01-21T00:00:00Z' } },
    ];
    const after = fold([...scenario(), ...late]);
    expect(after.get(deadlineKey('r-3-amina', 'acknowledgement'))).toMatchObject({ status: 'escalated', escalatedAt: '2026-01-13T11:00:00Z', metAt: '2026-01-21T00:00:00Z' });
    expect(openKeys(after)).toEqual([deadlineKey('r-3-amina', 'answer')]);
  });

  it('an acknowledgement meets only the acknowledgement deadline; accepting meets the answer deadline', () => {
    const sent = scenario().filter((e) => e.type === 'ReferralSent' && e.data.referralId === 'r-1-amina');
    const ack: DomainEvent = { type: 'ReferralAcknowledged', data: { referralId: 'r-1-amina', by: CHILD_WELFARE, actor: 'cw', acknowledgedAt: '2026-01-10T08:00:00Z' } };
    const accepted: DomainEvent = { type: 'ReferralAccepted', data: { referralId: 'r-1-amina', by: CHILD_WELFARE, actor: 'cw', acceptedAt: '2026-01-11T08:00:00Z' } };
    expect(openKeys(fold(sent))).toEqual([deadlineKey('r-1-amina', 'acknowledgement'), deadlineKey('r-1-amina', 'answer')]);
    expect(openKeys(fold([...sent, ack]))).toEqual([deadlineKey('r-1-amina', 'answer')]);
    expect(openKeys(fold([...sent, ack, accepted]))).toEqual([]);
  });

  it('normalises due times given with an offset, so text order is time order', () => {
    const [sent] = scenario().filter((e) => e.type === 'ReferralSent');
    const offset = { ...sent, data: { ...sent.data, acknowledgeBy: '2026-01-12T11:00:00+01:00' } } as DomainEvent;
    expect(fold([offset]).get(deadlineKey('r-1-amina', 'acknowledgement'))).toMatchObject({ dueAt: '2026-01-12T10:00:00.000Z' });
  });

  it("holds the person's current coordinator: the latest designation wins", () => {
    const after = fold([...scenario(), designated(REFUGEE, '2026-01-05T00:00:00Z'), designated(HEALTH, '2026-01-06T00:00:00Z')]);
    expect(after.get(coordinatorKey(AMINA))).toEqual({ kind: 'coordinator', subjectId: AMINA, agency: HEALTH, designatedAt: '2026-01-06T00:00:00Z' });
    expect(fold(scenario()).has(coordinatorKey(AMINA))).toBe(false);
  });

  it('ignores other events, and writes nothing for a referral event whose referral was never sent', () => {
    const [contact] = recorded(scenario()).filter((e) => e.type === 'ContactRecorded');
    expect(deadlines.keyOf(contact, { referral: () => undefined })).toEqual([]);
    const orphan = fold([{ type: 'ReferralAcknowledged', data: { referralId: 'ghost', by: NAV, actor: 'n', acknowledgedAt: '2026-01-01T00:00:00Z' } }]);
    expect(orphan.get(deadlineKey('ghost', 'acknowledgement'))).toMatchObject({ status: 'unsent' });
    const init = deadlines.init(deadlineKey('ghost', 'acknowledgement'));
    expect(deadlines.evolve(init, recorded([{ type: 'ReferralAcknowledged', data: { referralId: 'ghost', by: NAV, actor: 'n', acknowledgedAt: 'x' } }])[0])).toBe(init);
  });
});
