import { join } from 'node:path';
import type { RecordedEvent } from '@samhandling/event-store';
import { loadCatalog, type AgencyRef } from '@samhandling/policy';
import { planBatch } from './batch-plan';
import { PolicyTracker } from './policy-tracker';
import { Recipients } from './recipients';

const catalogDir = join(__dirname, '..', '..', '..', 'policy', 'catalog');
const agencies: AgencyRef[] = [
  { id: 'oslo-health', kind: 'health', municipality: '0301' }, { id: 'bergen-health', kind: 'health', municipality: '4601' },
  { id: 'oslo-refugee', kind: 'refugee_service', municipality: '0301' }, { id: 'bergen-refugee', kind: 'refugee_service', municipality: '4601' },
  { id: 'nav-oslo', kind: 'nav', municipality: '0301' }, { id: 'red-cross-oslo', kind: 'voluntary', municipality: '0301' },
  { id: 'oslo-adult-learning', kind: 'adult_learning', municipality: '0301' }, { id: 'imdi', kind: 'national_authority', municipality: null },
];
const NOW = '2026-11-20T10:00:00Z';
let position = 0;
const ev = (streamId: string, type: string, data: Record<string, unknown>, agency: string): RecordedEvent => ({
  id: `00000000-0000-4000-8000-${String(++position).padStart(12, '0')}`, streamId, revision: 0, position, type, data, metadata: { agency }, recordedAt: NOW,
});

/** Who the relay discloses each event to (its owners get it too, but that is no disclosure), and with which categories. */
function plan(enabled: string[], events: RecordedEvent[]) {
  const catalog = loadCatalog(catalogDir, { enabled });
  const ctx = { tracker: new PolicyTracker(), recipients: new Recipients(catalog, agencies), agencies, channel: 'kafka' as const };
  const { disclosures, undecided } = planBatch(events, ctx);
  expect(undecided).toEqual([]);
  return disclosures;
}
function deliveries(enabled: string[], events: RecordedEvent[]): string[][] {
  const disclosures = plan(enabled, events);
  return events.map((e) => disclosures.filter((d) => d.eventIds?.includes(e.id)).map((d) => d.recipient.agency).sort());
}

describe('relay routing of arrivals, coordinator designations and escalations', () => {
  const S = 'amina';
  const arrival = [
    ev(`subject-${S}`, 'ResidenceGranted', { subjectId: S, familyReunification: true, sponsorId: 'yonas', municipality: '0301', grantedOn: '2026-11-01', recordedBy: 'imdi' }, 'imdi'),
    ev(`subject-${S}`, 'ArrivalNotice', {
      subjectId: S, municipality: '0301', givenName: 'Amina', familyName: 'H', birthDate: '1990-01-01', sponsorId: 'yonas', relationToSponsor: 'spouse',
      grantedOn: '2026-11-01', issuedBy: 'imdi', issuedAt: NOW,
    }, 'imdi'),
  ];

  it("sends the arrival notice to the settling municipality's refugee and health services when the catalog entry is enabled", () => {
    expect(deliveries(['family-reunification-notice'], arrival)).toEqual([['oslo-health', 'oslo-refugee'], ['oslo-health', 'oslo-refugee']]);
  });

  it('sends nothing when the installation has not enabled the notice (the default)', () => {
    expect(deliveries([], arrival)).toEqual([[], []]);
  });

  it('tells the coordinator of its designation on the consent it names, and of escalations, but not other services', () => {
    const consent = ev(`consent-${S}`, 'ConsentGiven', {
      subjectId: S, consentId: 'c1', decision: 'permit', recipients: [{ agency: 'red-cross-oslo' }], categories: ['identity'], purposes: ['coordination'],
      // A form with its fingerprint: the adult learning centre may rely on it for metadata without confirming.
      validFrom: '2026-11-01T00:00:00Z', recordedBy: 'oslo-refugee', evidence: { kind: 'written', reference: 'form 3', sha256: 'e'.repeat(64) },
    }, 'oslo-refugee');
    const designated = ev(`subject-${S}`, 'CoordinatorDesignated', {
      subjectId: S, agency: 'red-cross-oslo', basis: { kind: 'consent', consentId: 'c1' }, designatedBy: 'oslo-refugee', designatedAt: NOW,
    }, 'oslo-refugee');
    const sent = ev('referral-r1', 'ReferralSent', {
      referralId: 'r1', subjectId: S, from: 'oslo-adult-learning', to: 'oslo-health', reason: 'x', categories: ['education', 'health'],
      basis: { kind: 'legal', entryId: 'paa-13b-1-5' }, acknowledgeBy: NOW, answerBy: NOW,
    }, 'oslo-adult-learning');
    const escalated = ev('referral-r1', 'ReferralEscalated', {
      referralId: 'r1', deadline: 'acknowledgement', dueAt: NOW, escalatedAt: NOW, notify: ['oslo-adult-learning', 'red-cross-oslo'],
    }, 'samhandling');
    const [, toCoordinator, referral, escalation] = deliveries([], [consent, designated, sent, escalated]);
    expect(toCoordinator).toEqual(['red-cross-oslo']);
    // The referral's content goes to its receiver only; the escalation (metadata) to the receiver and the coordinator.
    expect(referral).toEqual(['oslo-health']);
    expect(escalation).toEqual(['oslo-health', 'red-cross-oslo']);
    // The coordinator is told that a deadline passed, nothing of what the referral is about.
    const told = plan([], [consent, designated, sent, escalated]).find((d) => d.recipient.agency === 'red-cross-oslo' && d.eventIds?.includes(escalated.id));
    expect(told).toMatchObject({ categories: ['referral'], bases: [{ kind: 'coordination', agency: 'red-cross-oslo' }] });
  });

  it('does not tell a coordinator the escalation names once its consent is withdrawn', () => {
    const consent = ev(`consent-${S}`, 'ConsentGiven', {
      subjectId: S, consentId: 'c2', decision: 'permit', recipients: [{ agency: 'red-cross-oslo' }], categories: ['identity'], purposes: ['coordination'],
      validFrom: '2026-11-01T00:00:00Z', recordedBy: 'oslo-refugee',
    }, 'oslo-refugee');
    const designated = ev(`subject-${S}`, 'CoordinatorDesignated', { subjectId: S, agency: 'red-cross-oslo', basis: { kind: 'consent', consentId: 'c2' }, designatedBy: 'oslo-refugee', designatedAt: NOW }, 'oslo-refugee');
    const withdrawn = ev(`consent-${S}`, 'ConsentWithdrawn', { subjectId: S, consentId: 'c2', withdrawnBy: 'oslo-refugee', withdrawnAt: '2026-11-10T00:00:00Z' }, 'oslo-refugee');
    const sent = ev('referral-r2', 'ReferralSent', {
      referralId: 'r2', subjectId: S, from: 'oslo-adult-learning', to: 'oslo-health', reason: 'x', categories: ['education'],
      basis: { kind: 'legal', entryId: 'paa-13b-1-5' }, acknowledgeBy: NOW, answerBy: NOW,
    }, 'oslo-adult-learning');
    const escalated = ev('referral-r2', 'ReferralEscalated', { referralId: 'r2', deadline: 'answer', dueAt: NOW, escalatedAt: NOW, notify: ['oslo-adult-learning', 'red-cross-oslo'] }, 'samhandling');
    expect(deliveries([], [consent, designated, withdrawn, sent, escalated]).at(-1)).not.toContain('red-cross-oslo');
  });
});
