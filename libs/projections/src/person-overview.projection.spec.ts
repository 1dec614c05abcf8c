import type { DomainEvent } from '@samhandling/domain';
import { personOverviewProjection as overview, type PersonOverview } from './person-overview.projection';
import { project, recorded } from './testing/recorded';
import { AMINA, CHILD_WELFARE, HEALTH, HOUSING, NAV, REFUGEE, scenario, UDI } from './testing/scenario';

const overviewOf = (events: DomainEvent[], subjectId = AMINA) => project(overview, recorded(events)).get(subjectId) as PersonOverview;

describe('person-overview projection', () => {
  const state = overviewOf(scenario());

  it('shows who the person is and where they live, each labelled with the agency that recorded it', () => {
    expect(state.identity).toEqual({
      givenName: 'Amina', familyName: 'Hassan', birthDate: '1990-04-01', registeredBy: REFUGEE, registeredAt: '2026-01-02T08:00:00Z',
      ownerAgency: REFUGEE, categories: ['identity'],
    });
    expect(state.residence).toEqual({
      familyReunification: true, sponsorId: 'yusuf', municipality: '0301', grantedOn: '2026-01-01', ownerAgency: UDI, categories: ['residence'],
    });
    expect(state.household).toEqual([{ memberId: 'leila', relation: 'child', ownerAgency: REFUGEE, categories: ['family_situation'] }]);
  });

  it('lists every involved agency once, sorted, including referral parties that recorded nothing else', () => {
    expect(state.involvedAgencies).toEqual([CHILD_WELFARE, HEALTH, HOUSING, NAV, REFUGEE, UDI].sort());
  });

  it('keeps the contact that happened last per agency, as metadata without summary or concerns', () => {
    expect(state.latestContactPerAgency).toEqual({
      [HEALTH]: { contactId: 'c-1', occurredAt: '2026-01-05T09:00:00Z', channel: 'in_person', ownerAgency: HEALTH, categories: ['health'] },
      [REFUGEE]: { contactId: 'c-2', occurredAt: '2026-01-06T09:00:00Z', channel: 'phone', ownerAgency: REFUGEE, categories: ['education'] },
    });
    expect(JSON.stringify(state)).not.toMatch(/Sleeps badly|headaches|daughter withdrawn/);
  });

  it('shows open referrals by answer deadline and drops declined and completed ones', () => {
    expect(state.openReferrals).toEqual([
      {
        referralId: 'r-3-amina', from: REFUGEE, to: HOUSING, status: 'sent', acknowledgeBy: '2026-01-13T10:00:00Z', answerBy: '2026-01-18T10:00:00Z',
        ownerAgency: REFUGEE, categories: ['housing'], escalations: [{ deadline: 'acknowledgement', escalatedAt: '2026-01-13T11:00:00Z' }],
      },
      {
        referralId: 'r-1-amina', from: HEALTH, to: CHILD_WELFARE, status: 'accepted', acknowledgeBy: '2026-01-12T10:00:00Z', answerBy: '2026-01-24T10:00:00Z',
        ownerAgency: HEALTH, categories: ['child_welfare_concern'],
      },
    ]);
    const completed = overviewOf([
      ...scenario(),
      { type: 'ReferralCompleted', data: { referralId: 'r-1-amina', by: CHILD_WELFARE, actor: 'cw-1', outcome: 'Family follow-up started', completedAt: '2026-01-20T10:00:00Z' } },
    ]);
    expect(completed.openReferrals.map((r) => r.referralId)).toEqual(['r-3-amina']);
  });

  it('summarises consents with status, keeping validUntil for the reader to judge expiry', () => {
    expect(state.consentSummary).toEqual([
      {
        consentId: 'k-1', decision: 'permit', recipients: [{ agency: REFUGEE }, { agencyKind: 'voluntary' }], categories: ['health'], purposes: ['follow_up'],
        validFrom: '2026-01-05T00:00:00Z', validUntil: '2026-07-05T00:00:00Z', status: 'withdrawn', withdrawnAt: '2026-01-08T10:00:00Z', ownerAgency: HEALTH,
      },
      {
        consentId: 'k-2', decision: 'deny', recipients: [{ agencyKind: 'nav' }], categories: ['health'], purposes: ['welfare_services'],
        validFrom: '2026-01-06T00:00:00Z', status: 'active', ownerAgency: REFUGEE,
      },
    ]);
  });

  it('routes later referral events to the person through the referral id alone', () => {
    const events = recorded(scenario());
    const ack = events.find((e) => e.type === 'ReferralAcknowledged')!;
    expect(overview.keyOf(ack, { referral: () => ({ subjectId: AMINA, from: HEALTH, to: CHILD_WELFARE }) })).toEqual([AMINA]);
    expect(overview.keyOf(ack, { referral: () => undefined })).toEqual([]);
  });

  it('keeps two people apart and ignores events it does not know', () => {
    const states = project(overview, [...recorded([...scenario('amina'), ...scenario('omar')]), { ...recorded(scenario())[0], type: 'SomethingElse' }]);
    // Leila is in both households: she gets an overview of her own, with the links seen from her side.
    expect([...states.keys()].sort()).toEqual(['amina', 'leila', 'omar']);
    expect(states.get('leila')!.household.map((h) => [h.memberId, h.relation])).toEqual([['amina', 'parent'], ['omar', 'parent']]);
    expect(states.get('omar')!.openReferrals.map((r) => r.referralId)).toEqual(['r-3-omar', 'r-1-omar']);
  });

  it('returns the same state for events that change nothing, so the runtime writes nothing', () => {
    // An escalation of a referral that is no longer open changes nothing.
    const [escalated] = recorded(scenario()).filter((e) => e.type === 'ReferralEscalated');
    const closed = { ...escalated, data: { ...escalated.data, referralId: 'r-2-amina' } };
    expect(overview.evolve(state, closed)).toBe(state);
  });
});
