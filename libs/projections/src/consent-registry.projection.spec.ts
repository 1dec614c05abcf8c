import { consentRegistryProjection as registry, type ConsentRegistry } from './consent-registry.projection';
import { project, recorded } from './testing/recorded';
import { AMINA, HEALTH, REFUGEE, scenario } from './testing/scenario';

describe('consent-registry projection', () => {
  const state = project(registry, recorded(scenario())).get(AMINA) as ConsentRegistry;

  it('keeps the full terms of every consent, in the order given', () => {
    expect(state.consents.map((c) => [c.consentId, c.decision, c.status])).toEqual([['k-1', 'permit', 'withdrawn'], ['k-2', 'deny', 'active']]);
    const { history: _, ...terms } = state.consents[1];
    expect(terms).toEqual({
      consentId: 'k-2', decision: 'deny', grantor: { kind: 'self' }, recipients: [{ agencyKind: 'nav' }], categories: ['health'], purposes: ['welfare_services'],
      validFrom: '2026-01-06T00:00:00Z', evidence: { kind: 'verbal' }, interpreterUsed: false, recordedBy: REFUGEE, recordedAt: '2026-01-06T09:30:00Z',
      ownerAgency: REFUGEE, status: 'active',
    });
  });

  it('records the withdrawal with its reason and who recorded it, keeping the original terms', () => {
    const k1 = state.consents[0];
    expect(k1).toEqual(expect.objectContaining({ validUntil: '2026-07-05T00:00:00Z', evidence: { kind: 'written', reference: 'doc-17' }, withdrawnAt: '2026-01-08T10:00:00Z' }));
    expect(k1.history).toEqual([
      { kind: 'given', by: HEALTH, at: '2026-01-05T10:00:00Z', position: 7 },
      { kind: 'withdrawn', by: HEALTH, at: '2026-01-08T10:00:00Z', reason: 'Changed her mind', position: 9 },
    ]);
  });

  it('ignores a withdrawal of a consent it never saw', () => {
    const [withdrawn] = recorded(scenario()).filter((e) => e.type === 'ConsentWithdrawn');
    const empty = registry.init(AMINA);
    expect(registry.evolve(empty, withdrawn)).toBe(empty);
  });
});
