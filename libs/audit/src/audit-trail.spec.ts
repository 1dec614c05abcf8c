import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteSqlClient, type SqlClient } from '@samhandling/event-store';
import { AuditTrail } from './audit-trail';
import { disclosureId, type Disclosure } from './disclosure';
import { DisclosureLog } from './disclosure-log';

let n = 0;
const disclosure = (overrides: Partial<Disclosure> = {}): Disclosure => ({
  id: disclosureId('trail', String(++n)),
  kind: 'pull',
  occurredAt: '2026-06-01T12:00:00.000Z',
  subjectId: 'subject-1',
  disclosers: ['oslo-health'],
  recipient: { agency: 'oslo-refugee', actor: 'kari' },
  projection: 'person-overview',
  fields: ['latestContactPerAgency/oslo-health'],
  categories: ['contact_log', 'health'],
  purpose: 'coordination',
  bases: [{ kind: 'consent', consentId: 'c1', entryId: 'consent', version: '2026-01' }],
  channel: 'http',
  logPosition: n,
  ...overrides,
});

const OSLO = { agencies: ['nav-oslo', 'oslo-health', 'oslo-refugee'] };
const BERGEN = { agencies: ['bergen-health', 'bergen-refugee'] };
const officer = { agency: 'oslo-health', actor: 'officer' };
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('AuditTrail: officers search, review and postpone (on PGlite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'samhandling-trail-'));
  let sql: SqlClient;
  let schema = 0;
  let log: DisclosureLog;
  let trail: AuditTrail;

  beforeAll(async () => {
    sql = await PgliteSqlClient.open(dir);
  }, 60_000);
  beforeEach(async () => {
    log = await DisclosureLog.create(sql, `trail_${++schema}`);
    trail = await AuditTrail.create(sql, `trail_${schema}`);
  });
  afterAll(async () => {
    await sql.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ids = (page: { items: Array<{ disclosure: Disclosure }> }) => page.items.map((r) => r.disclosure.id);

  it('shows an officer what went to or from their agencies, and filters by every field', async () => {
    const consentRead = disclosure();
    const breakGlass = disclosure({ kind: 'break_glass', purpose: 'emergency', bases: [{ kind: 'legal', entryId: 'paa-13b-1-7', version: '2026-01' }], justification: 'Collapsed' });
    const denial = disclosure({ kind: 'denial', disclosers: [], fields: [], bases: [], denial: 'no_basis', recipient: { agency: 'nav-oslo', actor: 'ola' } });
    const viaReferral = disclosure({ recipient: { agency: 'oslo-health', actor: 'lege' }, disclosers: ['oslo-refugee'], projection: 'referral-board', categories: ['referral'], bases: [{ kind: 'referral', referralId: 'r1', referralBasis: { kind: 'legal', entryId: 'paa-13b-1-5' } }] });
    const fromOsloToBergen = disclosure({ subjectId: 'subject-2', recipient: { agency: 'bergen-health', actor: 'x' }, occurredAt: '2026-07-01T00:00:00.000Z' });
    const bergenOnly = disclosure({ subjectId: 'subject-2', recipient: { agency: 'bergen-refugee', actor: 'y' }, disclosers: ['bergen-health'] });
    await log.record([consentRead, breakGlass, denial, viaReferral, fromOsloToBergen, bergenOnly]);

    const search = (scope: { agencies: string[] }, filter = {}) => trail.search(scope, filter, { limit: 100 }).then(ids);
    expect(await search(OSLO)).toEqual([consentRead.id, breakGlass.id, denial.id, viaReferral.id, fromOsloToBergen.id]);
    expect(await search(BERGEN)).toEqual([fromOsloToBergen.id, bergenOnly.id]);
    expect(await search({ agencies: ['imdi'] })).toEqual([]);
    expect(await search({ agencies: [] })).toEqual([]);

    expect(await search(OSLO, { subjectId: 'subject-2' })).toEqual([fromOsloToBergen.id]);
    expect(await search(OSLO, { recipient: 'nav-oslo' })).toEqual([denial.id]);
    expect(await search(OSLO, { discloser: 'oslo-refugee' })).toEqual([viaReferral.id]);
    expect(await search(OSLO, { basis: 'paa-13b-1-7' })).toEqual([breakGlass.id]);
    expect(await search(OSLO, { basis: 'legal:paa-13b-1-7@2026-01' })).toEqual([breakGlass.id]);
    expect(await search(OSLO, { basis: 'legal:paa-13b-1-7@2025-01' })).toEqual([]);
    expect(await search(OSLO, { basis: 'consent:c1' })).toEqual([consentRead.id, fromOsloToBergen.id]);
    expect(await search(OSLO, { basis: 'referral:r1' })).toEqual([viaReferral.id]);
    expect(await search(OSLO, { basis: 'paa-13b-1-5' })).toEqual([viaReferral.id]);
    expect(await search(OSLO, { category: 'referral' })).toEqual([viaReferral.id]);
    expect(await search(OSLO, { kinds: ['denial', 'break_glass'] })).toEqual([breakGlass.id, denial.id]);
    expect(await search(OSLO, { from: '2026-06-15T00:00:00Z' })).toEqual([fromOsloToBergen.id]);
    expect(await search(OSLO, { to: '2026-07-01T00:00:00Z', subjectId: 'subject-2' })).toEqual([]);
  });

  it('fills every page from the scope, then stops with no cursor', async () => {
    const ours = Array.from({ length: 7 }, () => disclosure());
    const theirs = Array.from({ length: 7 }, () => disclosure({ recipient: { agency: 'bergen-refugee', actor: 'y' }, disclosers: ['bergen-health'] }));
    await log.record(ours.flatMap((d, i) => [theirs[i], d]));
    const pages = [];
    let after: number | undefined;
    do {
      const page = await trail.search(OSLO, {}, { after, limit: 3 });
      pages.push(ids(page));
      after = page.nextCursor ?? undefined;
    } while (after !== undefined);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(ours.map((d) => d.id));
  });

  it('records one final review per break-glass disclosure, in scope only, and refuses to rewrite it', async () => {
    const breakGlass = disclosure({ kind: 'break_glass', purpose: 'emergency' });
    const pull = disclosure();
    await log.record([breakGlass, pull]);
    const review = { decision: 'flagged' as const, comment: 'No emergency recorded in the journal', reviewer: officer, reviewedAt: new Date().toISOString() };

    await expect(trail.review(BERGEN, breakGlass.id, review)).rejects.toMatchObject({ code: 'AUDIT.DISCLOSURE_NOT_FOUND' });
    await expect(trail.review(OSLO, pull.id, review)).rejects.toMatchObject({ code: 'AUDIT.NOT_BREAK_GLASS', kind: 'conflict' });
    expect((await trail.review(OSLO, breakGlass.id, review)).review).toEqual(review);
    await expect(trail.review(OSLO, breakGlass.id, { ...review, decision: 'approved' })).rejects.toMatchObject({ code: 'AUDIT.ALREADY_REVIEWED' });

    const table = `trail_${schema}.disclosure_reviews`;
    await expect(sql.query(`UPDATE ${table} SET decision = 'approved'`)).rejects.toThrow(/AUDIT.APPEND_ONLY/);
    await expect(sql.query(`DELETE FROM ${table}`)).rejects.toThrow(/AUDIT.APPEND_ONLY/);
    await expect(sql.query(`TRUNCATE ${table}`)).rejects.toThrow(/AUDIT.APPEND_ONLY/);
    expect((await trail.search(OSLO, { review: 'reviewed' }, { limit: 10 })).items.map((r) => r.review)).toEqual([review]);
    expect((await trail.search(OSLO, { kinds: ['break_glass'], review: 'pending' }, { limit: 10 })).items).toEqual([]);
  });

  it('postpones notice in the future only, of real disclosures only; a later postponement replaces the earlier', async () => {
    const pull = disclosure();
    const denial = disclosure({ kind: 'denial', disclosers: [], bases: [], denial: 'no_basis' });
    await log.record([pull, denial]);
    const at = new Date().toISOString();
    const first = { reason: 'Ongoing child welfare investigation', visibleFrom: inDays(30), postponedBy: officer, recordedAt: at };

    await expect(trail.postpone(OSLO, pull.id, { ...first, visibleFrom: inDays(-1) })).rejects.toMatchObject({ code: 'AUDIT.VISIBLE_FROM_NOT_FUTURE', kind: 'validation' });
    await expect(trail.postpone(OSLO, denial.id, first)).rejects.toMatchObject({ code: 'AUDIT.NOTHING_DISCLOSED' });
    await expect(trail.postpone(BERGEN, pull.id, first)).rejects.toMatchObject({ code: 'AUDIT.DISCLOSURE_NOT_FOUND' });
    await trail.postpone(OSLO, pull.id, first);
    const extended = { ...first, reason: 'Investigation extended', visibleFrom: inDays(90) };
    await trail.postpone(OSLO, pull.id, extended);
    expect((await trail.search(OSLO, { subjectId: 'subject-1', kinds: ['pull'] }, { limit: 10 })).items[0].postponement).toEqual(extended);
    await expect(sql.query(`DELETE FROM trail_${schema}.notice_postponements`)).rejects.toThrow(/AUDIT.APPEND_ONLY/);
  });
});
