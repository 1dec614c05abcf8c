import { join } from 'node:path';
import type { RecordedEvent } from '@samhandling/event-store';
import { loadCatalog, type AgencyRef } from '@samhandling/policy';
import { planBatch } from './batch-plan';
import { fromEvents } from './identity-with-concern';
import { PolicyTracker } from './policy-tracker';
import { Recipients } from './recipients';

const catalogDir = join(__dirname, '..', '..', '..', 'policy', 'catalog');
const catalog = loadCatalog(catalogDir);
const agencies: AgencyRef[] = [
  { id: 'oslo-health', kind: 'health', municipality: '0301' }, { id: 'bergen-health', kind: 'health', municipality: '4601' },
  { id: 'oslo-refugee', kind: 'refugee_service', municipality: '0301' }, { id: 'oslo-child-welfare', kind: 'child_welfare', municipality: '0301' },
  { id: 'nav-oslo', kind: 'nav', municipality: '0301' }, { id: 'red-cross-oslo', kind: 'voluntary', municipality: '0301' },
];
const NOW = '2026-11-20T10:00:00Z';
const S = 'sara';
const HEALTH_TEXT = 'Depressive episode, sertraline 50 mg';
const CONCERN = 'Bruises on the younger child';

let position = 0;
const ev = (streamId: string, type: string, data: Record<string, unknown>, agency: string): RecordedEvent => ({
  id: `00000000-0000-4000-8000-${String(++position).padStart(12, '0')}`, streamId, revision: 0, position, type, data, metadata: { agency }, recordedAt: NOW,
});
const registered = () => ev(`subject-${S}`, 'SubjectRegistered', { subjectId: S, givenName: 'Sara', familyName: 'H', birthDate: '2015-04-02', registeredBy: 'oslo-refugee', registeredAt: NOW }, 'oslo-refugee');
const contact = (agency: string, categories: string[], summary = HEALTH_TEXT) => ev(`contact-${S}`, 'ContactRecorded', {
  contactId: `c${position}`, subjectId: S, agency, actor: 'dr.hansen', occurredAt: NOW, recordedAt: NOW, channel: 'in_person', categories,
  summary, concerns: [CONCERN], interpreterUsed: true, interpreterLanguage: 'ti',
}, agency);

/** The relay's plan for the events, with the registrations found among them (as the relay finds them in the store). */
function plan(events: RecordedEvent[]) {
  const ctx = { tracker: new PolicyTracker(), recipients: new Recipients(catalog, agencies), agencies, channel: 'kafka' as const, registrations: fromEvents(events) };
  const result = planBatch(events, ctx);
  expect(result.undecided).toEqual([]);
  return result;
}
const disclosed = (p: ReturnType<typeof plan>) => p.deliveries.filter((d) => d.envelope.disclosureid !== '');

describe('the duty to notify on push: a concern on a health contact reaches child welfare, redacted, with whom it is about', () => {
  it("delivers the concern part of a health contact to child welfare, with the health part withheld and named", () => {
    const reg = registered();
    const mixed = contact('oslo-health', ['health', 'child_welfare_concern']);
    const p = plan([reg, mixed]);
    const toChildWelfare = disclosed(p).filter((d) => d.agency === 'oslo-child-welfare');
    const concern = toChildWelfare.find((d) => d.eventId === mixed.id)!;
    expect(concern.envelope).toMatchObject({
      categories: ['child_welfare_concern'], basis: [expect.stringMatching(/^legal:duty-to-notify-child-welfare@/)],
      redacted: ['actor', 'summary', 'interpreterLanguage'],
    });
    expect(concern.envelope.data).toEqual({
      contactId: mixed.data.contactId, subjectId: S, agency: 'oslo-health', occurredAt: NOW, recordedAt: NOW, channel: 'in_person',
      categories: ['child_welfare_concern'], concerns: [CONCERN], interpreterUsed: true,
    });
    // Nothing of the health part anywhere in what child welfare receives.
    const all = JSON.stringify(toChildWelfare);
    expect(all).not.toContain(HEALTH_TEXT);
    expect(all).not.toContain('dr.hansen');
    expect(all).not.toContain('"health"');
    // The record says exactly what went: the concern category, these fields, on the duty to notify.
    const record = p.disclosures.find((d) => d.eventIds?.includes(mixed.id))!;
    expect(record).toMatchObject({
      id: concern.envelope.disclosureid, recipient: { agency: 'oslo-child-welfare' }, categories: ['child_welfare_concern'], purpose: 'child_protection',
      fields: Object.keys(concern.envelope.data), bases: [{ kind: 'legal', entryId: 'duty-to-notify-child-welfare' }],
    });
  });

  it('sends the identity record right after the first concern, on the same entry, and to no one else', () => {
    const reg = registered();
    const first = contact('oslo-health', ['health', 'child_welfare_concern']);
    const second = contact('oslo-health', ['child_welfare_concern'], 'Second visit');
    const p = plan([reg, first, second]);
    // Child welfare: concern, then whom it is about, then the next concern (no second identity).
    expect(disclosed(p).map((d) => [d.agency, d.eventId])).toEqual([
      ['oslo-child-welfare', first.id], ['oslo-child-welfare', reg.id], ['oslo-child-welfare', second.id],
    ]);
    const identity = disclosed(p)[1];
    expect(identity.envelope).toMatchObject({ type: 'no.samhandling.SubjectRegistered.v1', categories: ['identity'], data: reg.data, logposition: reg.position });
    expect(identity.envelope.redacted).toBeUndefined();
    const record = p.disclosures.find((d) => d.id === identity.envelope.disclosureid)!;
    expect(record).toMatchObject({
      eventIds: [reg.id], categories: ['identity'], disclosers: ['oslo-refugee'], purpose: 'child_protection', logPosition: first.position,
      bases: [{ kind: 'legal', entryId: 'duty-to-notify-child-welfare' }],
    });
    // Nobody else is told anything: the registration and contacts reach only their owners otherwise.
    expect(p.disclosures.map((d) => d.recipient.agency)).toEqual(['oslo-child-welfare', 'oslo-child-welfare', 'oslo-child-welfare']);
    // The same plan on replay: same disclosures, same ids.
    position -= 3;
    const again = plan([registered(), contact('oslo-health', ['health', 'child_welfare_concern']), contact('oslo-health', ['child_welfare_concern'], 'Second visit')]);
    expect(again.disclosures).toEqual(p.disclosures);
  });

  it('sends no identity when the person registered after the concern: the registration itself then goes on the entry', () => {
    const concern = contact('oslo-health', ['child_welfare_concern']);
    const reg = registered();
    const p = plan([concern, reg]);
    // (The health service, now involved, gets the registration as before.)
    expect(disclosed(p).filter((d) => d.agency === 'oslo-child-welfare').map((d) => d.eventId)).toEqual([concern.id, reg.id]);
    expect(p.disclosures.find((d) => d.recipient.agency === 'oslo-child-welfare' && d.eventIds?.includes(reg.id))).toMatchObject({ eventIds: [reg.id], logPosition: reg.position, bases: [{ kind: 'legal', entryId: 'duty-to-notify-child-welfare' }] });
  });

  it('pushes no part that carries only metadata or identity, and nothing on a concern from an agency the entry does not cover', () => {
    const p = plan([
      registered(),
      // Identity is permitted to child welfare for a refugee service's record, health is not: no concern, so nothing goes.
      contact('oslo-refugee', ['identity', 'health']),
      // NAV may have the contact log, not the health part: nothing goes either.
      contact('oslo-refugee', ['contact_log', 'health']),
      // A voluntary organisation is no discloser under the duty to notify.
      contact('red-cross-oslo', ['health', 'child_welfare_concern']),
    ]);
    expect(p.disclosures).toEqual([]);
  });
});
