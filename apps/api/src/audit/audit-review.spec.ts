import { setTimeout as sleep } from 'node:timers/promises';
import { DisclosureLog, type AccessReport, type AuditRecord } from '@samhandling/audit';
import { ApiHarness } from '../testing/api-harness';
import { auditClient, auditScenario } from './testing/audit-scenario';

describe('audit API: break-glass reviews, notice postponement, access report (API over PGlite)', () => {
  let api: ApiHarness;
  let scenario: Awaited<ReturnType<typeof auditScenario>>;
  let oslo: ReturnType<typeof auditClient>;
  let bergen: ReturnType<typeof auditClient>;

  beforeAll(async () => {
    api = await ApiHarness.start();
    scenario = await auditScenario(api);
    oslo = auditClient(api, 'oslo-health');
    bergen = auditClient(api, 'bergen-health');
  }, 60_000);
  afterAll(() => api?.close());

  const recorded = async (kind: string) =>
    (await api.app.get(DisclosureLog).read({ subjectId: scenario.subjectId })).map((r) => r.disclosure).filter((d) => d.kind === kind);
  const report = async (query = '') => (await oslo.get(`/audit/subjects/${scenario.subjectId}/access-report${query}`)).body as AccessReport;

  it('lists in the access report exactly the disclosures that happened: no refusal, no own-data read, nothing more', async () => {
    const body = await report();
    const entries = body.recipients.flatMap((r) => r.entries.map((e) => ({ recipient: r.agency, projection: e.details.projection, kind: e.kind })));
    const sort = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();
    expect(sort(entries)).toEqual(sort(scenario.disclosed));
    const happened = [...(await recorded('pull')), ...(await recorded('break_glass'))].map((d) => d.id).sort();
    expect(body.recipients.flatMap((r) => r.entries.map((e) => e.disclosureId)).sort()).toEqual(happened);
    expect(body.recipients.map((r) => r.name)).toEqual(['NAV Oslo', 'Oslo kommune – flyktningtjenesten (introduksjonsprogrammet)']);
    const consentRead = body.recipients[1].entries.find((e) => e.kind === 'read')!;
    expect(consentRead).toMatchObject({
      what: 'an overview of you', purpose: { text: 'to coordinate the services that help you' },
      bases: [{ id: `consent:${scenario.consentId}`, text: expect.stringContaining('You (or your guardian) agreed'), law: expect.stringContaining('GDPR'), version: '2026-01' }],
    });
    expect(consentRead.from.map((f) => f.name)).toContain('Oslo kommune – helsetjenesten (fastlege og helsestasjon)');

    const text = await oslo.get(`/audit/subjects/${scenario.subjectId}/access-report`, { Accept: 'text/plain' });
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect(text.text).toContain('4 disclosure(s) to 2 service(s).');
    expect(text.text).toContain('NAV Oslo received:');
    const viaQuery = await oslo.get(`/audit/subjects/${scenario.subjectId}/access-report?format=text`);
    expect([viaQuery.headers['content-type'], viaQuery.text.split('\n').slice(3)]).toEqual([text.headers['content-type'], text.text.split('\n').slice(3)]);
    expect((await bergen.get(`/audit/subjects/${scenario.subjectId}/access-report`)).body).toMatchObject({ disclosures: 0, recipients: [] });
  });

  it('queues break-glass reads for review; each is approved or flagged with a comment, once, and stays on record', async () => {
    const queue = (await oslo.get('/audit/break-glass')).body.items as AuditRecord[];
    expect(queue.map((r) => r.disclosure.id).sort()).toEqual((await recorded('break_glass')).map((d) => d.id).sort());
    const [first, second] = queue.map((r) => r.disclosure.id);
    const review = (id: string, body: object, as = oslo) => as.post(`/audit/break-glass/${id}/review`, body);

    expect((await review(first, { decision: 'flagged' })).body).toMatchObject({ statusCode: 400, message: expect.stringContaining('comment') });
    expect((await review(first, { decision: 'flagged', comment: '   ' })).status).toBe(400);
    expect((await review(first, { decision: 'approved', extra: 1 })).status).toBe(400);
    expect((await review(first, { decision: 'approved' }, bergen)).body).toMatchObject({ statusCode: 404, error: 'AUDIT.DISCLOSURE_NOT_FOUND' });
    expect((await review((await recorded('pull'))[0].id, { decision: 'approved' })).body).toMatchObject({ statusCode: 409, error: 'AUDIT.NOT_BREAK_GLASS' });

    const approved = await review(first, { decision: 'approved' });
    expect(approved.status).toBe(201);
    expect(approved.body.review).toMatchObject({ decision: 'approved', reviewer: { agency: 'oslo-health', actor: 'officer@oslo-health' }, reviewedAt: expect.any(String) });
    expect((await review(second, { decision: 'flagged', comment: 'No emergency noted in the journal; ask the caseworker' })).status).toBe(201);
    expect((await review(first, { decision: 'flagged', comment: 'Changed my mind' })).body).toMatchObject({ statusCode: 409, error: 'AUDIT.ALREADY_REVIEWED' });

    expect((await oslo.get('/audit/break-glass?status=pending')).body.items).toEqual([]);
    const reviewed = (await oslo.get('/audit/break-glass?status=reviewed')).body.items as AuditRecord[];
    expect(reviewed.map((r) => [r.disclosure.id, r.review?.decision, r.review?.comment])).toEqual([
      [first, 'approved', undefined], [second, 'flagged', 'No emergency noted in the journal; ask the caseworker'],
    ]);
    expect((await bergen.get('/audit/break-glass')).body.items.map((r: AuditRecord) => r.disclosure.subjectId)).toEqual([scenario.bergenSubjectId]);
    expect((await oslo.get(`/audit/disclosures?kind=break_glass&subjectId=${scenario.subjectId}`)).body.items.every((r: AuditRecord) => r.review)).toBe(true);
  });

  it("postpones the person's notice of a disclosure until its date, showing it to officers with the reason meanwhile", async () => {
    const [navRead] = (await recorded('pull')).filter((d) => d.recipient.agency === 'nav-oslo');
    const postpone = (id: string, body: object, as = oslo) => as.post(`/audit/disclosures/${id}/postponement`, body);
    const reason = 'Ongoing child welfare investigation; notice would harm it';

    expect((await postpone(navRead.id, { reason, visibleFrom: '2020-01-01' })).body).toMatchObject({ statusCode: 400, error: 'AUDIT.VISIBLE_FROM_NOT_FUTURE' });
    expect((await postpone(navRead.id, { visibleFrom: '2099-01-01' })).status).toBe(400);
    expect((await postpone((await recorded('denial'))[0].id, { reason, visibleFrom: '2099-01-01' })).body).toMatchObject({ statusCode: 409, error: 'AUDIT.NOTHING_DISCLOSED' });
    expect((await postpone(navRead.id, { reason, visibleFrom: '2099-01-01' }, bergen)).status).toBe(404);

    const visibleFrom = new Date(Date.now() + 1_500).toISOString();
    expect((await postpone(navRead.id, { reason, visibleFrom })).status).toBe(201);

    const person = await report();
    expect(JSON.stringify(person)).not.toContain(navRead.id);
    expect(person.recipients.map((r) => r.agency)).toEqual(['oslo-refugee']);
    const officer = await report('?include=postponed');
    expect(officer.recipients.find((r) => r.agency === 'nav-oslo')!.entries[0]).toMatchObject({ disclosureId: navRead.id, postponed: { reason, visibleFrom } });
    expect((await oslo.get(`/audit/subjects/${scenario.subjectId}/access-report?include=postponed&format=text`)).text).toContain(`NOTICE POSTPONED until ${visibleFrom.slice(0, 10)}: ${reason}`);

    await sleep(Date.parse(visibleFrom) - Date.now() + 50);
    const later = await report();
    expect(later.recipients.find((r) => r.agency === 'nav-oslo')!.entries[0]).toMatchObject({ disclosureId: navRead.id });
    expect(later.recipients.find((r) => r.agency === 'nav-oslo')!.entries[0].postponed).toBeUndefined();
  });
});
