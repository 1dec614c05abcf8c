import { toAuditEvent } from './fhir-audit-event';
import { disclosureId, type Disclosure } from './disclosure';

const push: Disclosure = {
  id: disclosureId('push', 'e1', 'oslo-child-welfare'), kind: 'push', occurredAt: '2026-06-01T12:00:00.000Z', subjectId: 'amina',
  disclosers: ['oslo-school'], recipient: { agency: 'oslo-child-welfare', actor: 'relay' }, eventIds: ['e1', 'e2'],
  categories: ['child_welfare_concern'], purpose: 'child_protection',
  bases: [{ kind: 'legal', entryId: 'duty-to-notify-child-welfare', version: '2026-01' }], channel: 'feed', logPosition: 42,
};

describe('FHIR R5 AuditEvent of a disclosure', () => {
  it('makes a push delivery an Export initiated by the discloser, naming each event delivered', () => {
    const event = toAuditEvent({ seq: 7, prevHash: 'a'.repeat(64), hash: 'b'.repeat(64), recordedAt: '', disclosure: push }, (id) => `name of ${id}`);
    expect(event).toMatchObject({
      resourceType: 'AuditEvent', id: push.id, action: 'C', recorded: push.occurredAt,
      category: [{ coding: [{ code: '110106', display: 'Export' }] }], outcome: { code: { code: '0' } },
      patient: { reference: 'Patient/amina' },
    });
    expect(event.agent).toEqual([
      expect.objectContaining({ requestor: false, policy: ['urn:samhandling:basis:legal:duty-to-notify-child-welfare@2026-01'], who: expect.objectContaining({ identifier: { system: 'urn:samhandling:agency-actor', value: 'oslo-child-welfare/relay' } }) }),
      expect.objectContaining({ requestor: true, who: { identifier: { system: 'urn:samhandling:agency', value: 'oslo-school' }, display: 'name of oslo-school' } }),
    ]);
    expect(event.entity.map((e) => e.what.identifier.value)).toEqual(['amina', 'e1', 'e2']);
    expect(event.extension[0].extension).toEqual([{ url: 'seq', valueInteger: 7 }, { url: 'prevHash', valueString: 'a'.repeat(64) }, { url: 'hash', valueString: 'b'.repeat(64) }]);
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });
});
