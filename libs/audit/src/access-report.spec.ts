import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LegalBasisCatalog, type CatalogVersion } from '@samhandling/policy';
import { buildAccessReport, renderAccessReportText } from './access-report';
import type { AuditRecord } from './audit-trail';
import { disclosureId, type Disclosure } from './disclosure';

const current = JSON.parse(readFileSync(join(__dirname, '..', '..', 'policy', 'catalog', '2026-01.json'), 'utf8')) as CatalogVersion;
// An older catalog whose emergency provision had another number and other words: records that
// cited it must still be explained in the words they were decided under.
const older: CatalogVersion = {
  version: '2025-01',
  entries: [{ ...current.entries.find((e) => e.id === 'paa-13b-1-7')!, id: 'paa-13-7', law: 'Public Administration Act §13 no. 7 (before renumbering)', plainLanguage: 'Shared to save a life (old wording).' }],
};
const catalog = new LegalBasisCatalog([older, current]);
const NAMES: Record<string, string> = { 'oslo-health': 'Oslo health service', 'oslo-refugee': 'Oslo refugee service', 'nav-oslo': 'NAV Oslo', 'oslo-child-welfare': 'Oslo child welfare' };

let seq = 0;
const record = (d: Partial<Disclosure>, notes: Partial<AuditRecord> = {}): AuditRecord => ({
  seq: ++seq, prevHash: '0'.repeat(64), hash: 'f'.repeat(64), recordedAt: '2026-06-01T12:00:00.000Z',
  disclosure: {
    id: disclosureId('report', String(seq)), kind: 'pull', occurredAt: `2026-06-0${seq}T10:00:00.000Z`, subjectId: 'amina',
    disclosers: ['oslo-health'], recipient: { agency: 'oslo-refugee', actor: 'kari' }, projection: 'person-overview',
    fields: ['latestContactPerAgency/oslo-health'], categories: ['contact_log', 'health'], purpose: 'coordination',
    bases: [{ kind: 'consent', consentId: 'c1', entryId: 'consent', version: '2026-01' }], channel: 'http', logPosition: seq, ...d,
  },
  ...notes,
});

const consentRead = record({});
const denial = record({ kind: 'denial', recipient: { agency: 'nav-oslo', actor: 'ola' }, disclosers: [], bases: [], denial: 'no_basis' });
const oldBreakGlass = record({ kind: 'break_glass', purpose: 'emergency', projection: 'contact-history', bases: [{ kind: 'legal', entryId: 'paa-13-7', version: '2025-01' }], justification: 'Collapsed at reception' });
const referral = record({ recipient: { agency: 'oslo-health', actor: 'lege' }, disclosers: ['oslo-refugee'], projection: 'referral-board', categories: ['referral', 'health'], purpose: 'follow_up', bases: [{ kind: 'referral', referralId: 'r1', referralBasis: { kind: 'legal', entryId: 'paa-13b-1-5' } }] });
const postponed = record(
  { recipient: { agency: 'oslo-child-welfare', actor: 'cw' }, categories: ['child_welfare_concern'], purpose: 'child_protection', bases: [{ kind: 'legal', entryId: 'duty-to-notify-child-welfare', version: '2026-01' }] },
  { postponement: { reason: 'Ongoing child welfare investigation', visibleFrom: '2026-09-01T00:00:00.000Z', postponedBy: { agency: 'oslo-child-welfare', actor: 'officer' }, recordedAt: '2026-06-05T00:00:00.000Z' } },
);
const records = [consentRead, denial, oldBreakGlass, referral, postponed];
const report = (now: string, includePostponed = false) => buildAccessReport({
  subjectId: 'amina', records, catalog, agencyName: (id) => NAMES[id] ?? id, preparedBy: 'oslo-health', covers: 'Oslo', now, includePostponed,
});

describe('access report (GDPR art. 15(1)(c))', () => {
  it('lists what was disclosed, by recipient, in plain words, and leaves refusals out', () => {
    const r = report('2026-06-10T00:00:00.000Z');
    expect(r.recipients.map((x) => [x.name, x.entries.map((e) => e.disclosureId)])).toEqual([
      ['Oslo health service', [referral.disclosure.id]],
      ['Oslo refugee service', [consentRead.disclosure.id, oldBreakGlass.disclosure.id]],
    ]);
    expect(r.disclosures).toBe(3);
    expect(JSON.stringify(r)).not.toContain(denial.disclosure.id);
    const [read, emergency] = r.recipients[1].entries;
    expect(read).toMatchObject({
      kind: 'read', what: 'an overview of you', from: [{ agency: 'oslo-health', name: 'Oslo health service' }],
      purpose: { code: 'coordination', text: 'to coordinate the services that help you' },
      categories: [{ code: 'contact_log', text: 'that you were in contact with a service' }, { code: 'health', text: 'health information' }],
      bases: [{ id: 'consent:c1', text: expect.stringContaining('You (or your guardian) agreed'), law: expect.stringContaining('GDPR'), version: '2026-01' }],
    });
    // Cited under a catalog version that is no longer current: explained in that version's words.
    expect(emergency).toMatchObject({ kind: 'emergency_access', justification: 'Collapsed at reception', bases: [{ text: 'Shared to save a life (old wording).', law: expect.stringContaining('before renumbering'), version: '2025-01' }] });
    expect(r.recipients[0].entries[0].bases[0]).toMatchObject({ id: 'referral:r1', text: expect.stringMatching(/^Sent with a referral from Oslo refugee service, on this basis: A public service may pass on/), law: expect.stringContaining('§13 b') });
  });

  it('hides a postponed entry from the person without a trace until its date, and shows it to the officer with the reason', () => {
    const before = report('2026-08-31T23:59:59.000Z');
    expect(JSON.stringify(before)).not.toContain(postponed.disclosure.id);
    expect(renderAccessReportText(before)).not.toMatch(/child welfare|postpone/i);

    const officer = report('2026-08-31T23:59:59.000Z', true);
    expect(officer.view).toBe('officer');
    const entry = officer.recipients.find((x) => x.agency === 'oslo-child-welfare')!.entries[0];
    expect(entry.postponed).toEqual({ reason: 'Ongoing child welfare investigation', visibleFrom: '2026-09-01T00:00:00.000Z' });
    expect(renderAccessReportText(officer)).toContain('NOTICE POSTPONED until 2026-09-01: Ongoing child welfare investigation');

    const after = report('2026-09-01T00:00:00.000Z');
    const shown = after.recipients.find((x) => x.agency === 'oslo-child-welfare')!.entries[0];
    expect(shown).toMatchObject({ disclosureId: postponed.disclosure.id, purpose: { text: 'to protect a child' } });
    expect(shown.postponed).toBeUndefined();
  });

  it('renders as text a person can read', () => {
    const text = renderAccessReportText(report('2026-06-10T00:00:00.000Z'));
    expect(text).toContain('3 disclosure(s) to 2 service(s).');
    expect(text).toContain('Oslo refugee service received:');
    expect(text).toContain('  • 2026-06-01 10:00 UTC: an overview of you from Oslo health service');
    expect(text).toContain('    Why: to coordinate the services that help you');
    expect(text).toContain('Emergency access, justified as: "Collapsed at reception"');
    expect(renderAccessReportText(buildAccessReport({ subjectId: 'x', records: [], catalog, agencyName: (id) => id, preparedBy: 'oslo-health', covers: 'Oslo', now: '2026-06-10T00:00:00.000Z', includePostponed: false })))
      .toContain('No information about you has been shared.');
  });
});
