import { join } from 'node:path';
import type { RecordedEvent } from '@samhandling/event-store';
import { loadCatalog, type AgencyRef } from '@samhandling/policy';
import { planBatch, planInSlices, type PlanContext } from './batch-plan';
import { PolicyTracker } from './policy-tracker';
import { Recipients } from './recipients';

const catalog = loadCatalog(join(__dirname, '..', '..', '..', 'policy', 'catalog'));
const agencies: AgencyRef[] = [
  { id: 'oslo-health', kind: 'health', municipality: '0301' }, { id: 'oslo-refugee', kind: 'refugee_service', municipality: '0301' },
  { id: 'oslo-child-welfare', kind: 'child_welfare', municipality: '0301' }, { id: 'nav-oslo', kind: 'nav', municipality: '0301' },
  { id: 'oslo-adult-learning', kind: 'adult_learning', municipality: '0301' },
];
const context = (): PlanContext => ({ tracker: new PolicyTracker(), recipients: new Recipients(catalog, agencies), agencies, channel: 'kafka' });
const at = (minute: number) => new Date(Date.parse('2026-11-20T10:00:00Z') + minute * 60_000).toISOString();

/** People whose consents come and go while their services record contacts: each decision depends on the events before it. */
function history(people: number): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  const ev = (subjectId: string, type: string, data: Record<string, unknown>, agency: string) => {
    const position = events.length + 1;
    events.push({ id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`, streamId: `${type}-${subjectId}`, revision: 0, position, type, data: { subjectId, ...data }, metadata: { agency }, recordedAt: at(position) });
  };
  const contact = (s: string, agency: string, categories: string[]) => ev(s, 'ContactRecorded', { contactId: `k${events.length}`, agency, actor: 'x', occurredAt: at(0), channel: 'phone', categories }, agency);
  for (let round = 0; round < 4; round++) {
    for (let p = 0; p < people; p++) {
      const s = `person-${p}`;
      if (round === 0) ev(s, 'ConsentGiven', { consentId: `${s}-c`, decision: 'permit', recipients: [{ agency: 'oslo-refugee' }], categories: ['health', 'contact_log'], purposes: ['follow_up'], validFrom: at(0), recordedBy: 'oslo-health' }, 'oslo-health');
      contact(s, 'oslo-health', round === 1 ? ['child_welfare_concern'] : ['contact_log', 'health']);
      if (round === 2 && p % 2 === 0) ev(s, 'ConsentWithdrawn', { consentId: `${s}-c`, withdrawnBy: 'oslo-health', withdrawnAt: at(events.length + 1) }, 'oslo-health');
    }
  }
  return events;
}

describe('planInSlices', () => {
  it('decides exactly what planBatch decides over the same events', async () => {
    const events = history(7);
    const whole = planBatch(events, context());
    expect(whole.disclosures.length).toBeGreaterThan(0);
    expect(await planInSlices(events, context(), 3)).toStrictEqual(whole);
  });

  it('lets the event loop run between slices, so replies to earlier batches are not held up', async () => {
    const events = history(7);
    let turns = 0;
    let ticking = true;
    const tick = () => { turns++; if (ticking) setImmediate(tick); };
    setImmediate(tick);
    await planInSlices(events, context(), 5);
    ticking = false;
    expect(turns).toBeGreaterThanOrEqual(Math.ceil(events.length / 5) - 1);
  });
});
