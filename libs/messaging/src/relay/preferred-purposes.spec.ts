import { join } from 'node:path';
import { buildAccessReport, type AuditRecord } from '@samhandling/audit';
import type { RecordedEvent } from '@samhandling/event-store';
import { loadCatalog, type AgencyRef } from '@samhandling/policy';
import { planBatch } from './batch-plan';
import { PolicyTracker } from './policy-tracker';
import { Recipients } from './recipients';

const catalog = loadCatalog(join(__dirname, '..', '..', '..', 'policy', 'catalog'));
const agencies: AgencyRef[] = [
  { id: 'oslo-health', kind: 'health', municipality: '0301' }, { id: 'oslo-refugee', kind: 'refugee_service', municipality: '0301' },
  { id: 'nav-oslo', kind: 'nav', municipality: '0301' },
];
const NOW = '2026-11-20T10:00:00Z';
let position = 0;
const ev = (type: string, data: Record<string, unknown>, agency: string): RecordedEvent => ({
  id: `00000000-0000-4000-8000-${String(++position).padStart(12, '0')}`, streamId: 'x', revision: 0, position, type, data: { subjectId: 'amina', ...data }, metadata: { agency }, recordedAt: NOW,
});
const sent = (referralId: string, from: string, basis: Record<string, unknown>, purpose?: string) => ev('ReferralSent', {
  referralId, from, to: 'nav-oslo', reason: 'Needs help with work', categories: ['welfare'], basis, acknowledgeBy: NOW, answerBy: NOW, sentBy: 'x', sentAt: NOW, ...(purpose ? { purpose } : {}),
}, from);

/** The purposes the referral's events were disclosed to NAV under, and what the person is told. */
function toNav(events: RecordedEvent[]) {
  const { disclosures, undecided } = planBatch(events, { tracker: new PolicyTracker(), recipients: new Recipients(catalog, agencies), agencies, channel: 'kafka' });
  expect(undecided).toEqual([]);
  const mine = disclosures.filter((d) => d.recipient.agency === 'nav-oslo');
  const records = mine.map((disclosure, i): AuditRecord => ({ seq: i + 1, prevHash: '0'.repeat(64), hash: 'f'.repeat(64), recordedAt: NOW, disclosure }));
  const report = buildAccessReport({ subjectId: 'amina', records, catalog, agencyName: (id) => id, preparedBy: 'oslo-health', covers: 'Oslo', now: NOW, includePostponed: false });
  return { purposes: mine.map((d) => d.purpose), told: report.recipients.flatMap((r) => r.entries.map((e) => e.purpose.text)) };
}

describe('the purpose a referral is disclosed under is the real one, not the first of a fixed list', () => {
  it('uses the purpose the sender declared, for the referral and each step after it', () => {
    const events = [sent('r1', 'oslo-refugee', { kind: 'legal', entryId: 'paa-13b-1-5' }, 'welfare_services'), ev('ReferralAcknowledged', { referralId: 'r1', by: 'nav-oslo', actor: 'x', acknowledgedAt: NOW }, 'nav-oslo')];
    // The acknowledgement is NAV's own (no disclosure); the referral itself was disclosed for welfare services.
    expect(toNav(events)).toEqual({ purposes: ['welfare_services'], told: ['to give you welfare services (work, benefits, social services)'] });
  });

  it('without a declared purpose (older events), takes the consent basis\'s own purposes', () => {
    const consent = ev('ConsentGiven', {
      consentId: 'c1', decision: 'permit', recipients: [{ agency: 'nav-oslo' }], categories: ['welfare'], purposes: ['welfare_services', 'care'], validFrom: '2026-01-01T00:00:00Z', recordedBy: 'oslo-health',
    }, 'oslo-health');
    const { purposes, told } = toNav([consent, sent('r2', 'oslo-health', { kind: 'consent', consentId: 'c1' })]);
    // The consent itself, shown to NAV which it names, and the referral made on it.
    expect(purposes).toEqual(['welfare_services', 'welfare_services']);
    expect(told).not.toContain('to give you health care');
  });

  it('without a declared purpose, on a legal basis takes the first purpose its catalog entry names', () => {
    expect(toNav([sent('r3', 'oslo-refugee', { kind: 'legal', entryId: 'paa-13b-1-5' })]).purposes).toEqual(['follow_up']);
  });
});
