import { chainHash, DisclosureLog, type AuditRecord, type ChainedDisclosure } from '@samhandling/audit';
import { AgencyDirectory } from '@samhandling/config';
import { ApiHarness } from '../testing/api-harness';
import { auditClient, auditScenario } from './testing/audit-scenario';

describe('audit API: scope, filters, pages, exports, verification (API over PGlite)', () => {
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

  const items = async (client: ReturnType<typeof auditClient>, query: string) => {
    const res = await client.get(`/audit/disclosures?${query}`);
    expect(res.status).toBe(200);
    return res.body.items as AuditRecord[];
  };

  it('shows a denial and a break-glass read, each with who, what, purpose and basis', async () => {
    const recorded = await items(oslo, `subjectId=${scenario.subjectId}`);
    expect(recorded.map((r) => r.disclosure.kind)).toEqual(['pull', 'pull', 'denial', 'break_glass', 'break_glass']);
    expect(recorded[2].disclosure).toMatchObject({ recipient: { agency: 'oslo-housing' }, denial: 'no_basis', projection: 'contact-history', bases: [] });
    expect(recorded[3].disclosure).toMatchObject({
      recipient: { agency: 'oslo-refugee' }, purpose: 'emergency', justification: expect.stringContaining('unconscious'),
      bases: [{ kind: 'legal', entryId: 'paa-13b-1-7', version: '2026-01' }],
    });
    expect(recorded[0]).toMatchObject({ seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/), disclosure: { bases: [{ kind: 'consent', consentId: scenario.consentId }] } });
  });

  it("shows an officer of another municipality nothing of ours, and refuses callers who are not officers", async () => {
    expect(await items(bergen, `subjectId=${scenario.subjectId}`)).toEqual([]);
    const theirs = await items(bergen, '');
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((r) => [r.disclosure.recipient.agency, ...r.disclosure.disclosers].some((a) => a.startsWith('bergen-')))).toBe(true);
    expect((await items(oslo, `subjectId=${scenario.bergenSubjectId}`))).toEqual([]);
    expect(await items(auditClient(api, 'imdi'), '')).toEqual([]);
    const exported = await bergen.getText(`/audit/export?format=jsonl&subjectId=${scenario.subjectId}`);
    expect([exported.status, exported.body]).toEqual([200, '']);

    const caseworker = auditClient(api, 'oslo-health', []);
    for (const path of ['/audit/disclosures', '/audit/break-glass', '/audit/verify', '/audit/export', `/audit/subjects/${scenario.subjectId}/access-report`]) {
      expect((await caseworker.get(path)).body).toMatchObject({ statusCode: 403, error: 'AUTH.ROLE_REQUIRED' });
    }
    expect((await api.http.get('/audit/disclosures')).status).toBe(401);
  });

  it('filters by recipient, discloser, basis, category, kind and period', async () => {
    const kinds = async (query: string) => (await items(oslo, `subjectId=${scenario.subjectId}&${query}`)).map((r) => `${r.disclosure.kind}:${r.disclosure.recipient.agency}`);
    expect(await kinds('recipient=nav-oslo')).toEqual(['pull:nav-oslo']);
    expect(await kinds('discloser=oslo-refugee')).toEqual(['pull:nav-oslo']);
    expect(await kinds('basis=paa-13b-1-7')).toEqual(['break_glass:oslo-refugee', 'break_glass:oslo-refugee']);
    expect(await kinds(`basis=consent:${scenario.consentId}`)).toEqual(['pull:oslo-refugee']);
    expect(await kinds('kind=denial')).toEqual(['denial:oslo-housing']);
    expect(await kinds('category=health&kind=pull')).toEqual(['pull:oslo-refugee']);
    expect(await kinds('category=education&kind=pull')).toEqual(['pull:nav-oslo']);
    expect(await kinds(`from=${new Date(Date.now() + 60_000).toISOString()}`)).toEqual([]);
    expect(await kinds(`to=${new Date(Date.now() + 60_000).toISOString()}&kind=denial`)).toEqual(['denial:oslo-housing']);
  });

  it('pages by chain position: every record once, in order', async () => {
    const all = await items(oslo, `subjectId=${scenario.subjectId}`);
    const seen: number[] = [];
    let after: number | null = 0;
    while (after !== null) {
      const res = await oslo.get(`/audit/disclosures?subjectId=${scenario.subjectId}&limit=2&after=${after}`);
      seen.push(...res.body.items.map((r: AuditRecord) => r.seq));
      after = res.body.nextCursor;
    }
    expect(seen).toEqual(all.map((r) => r.seq));
  });

  it('rejects bad query parameters, naming each', async () => {
    const bad = await oslo.get('/audit/disclosures?limit=501&after=-1&subjectId=nope&kind=leak&category=secrets&from=yesterday&basis=x%20y&colour=red');
    expect(bad.body).toMatchObject({ statusCode: 400, error: 'REQUEST.INVALID' });
    for (const field of ['limit', 'after', 'subjectId', 'kind', 'category', 'from', 'basis', 'colour']) expect(bad.body.message).toContain(field);
    expect((await oslo.get('/audit/disclosures?recipient=nowhere-agency')).body).toMatchObject({ statusCode: 400, error: 'AUDIT.UNKNOWN_AGENCY' });
    expect((await oslo.get('/audit/disclosures?from=2026-02-01&to=2026-01-01')).body).toMatchObject({ statusCode: 400, error: 'AUDIT.INVALID_PERIOD' });
    expect((await oslo.get('/audit/export?format=xml')).status).toBe(400);
  });

  it('exports JSON Lines that parse back and verify on their own, hash by hash', async () => {
    const res = await oslo.getText(`/audit/export?format=jsonl&subjectId=${scenario.subjectId}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = (res.body as string).trimEnd().split('\n').map((l) => JSON.parse(l) as ChainedDisclosure);
    expect(lines.map((l) => l.seq)).toEqual((await items(oslo, `subjectId=${scenario.subjectId}`)).map((r) => r.seq));
    for (const l of lines) expect(chainHash(l.seq, l.prevHash, l.disclosure)).toBe(l.hash);
  });

  it('exports a FHIR R5 Bundle of AuditEvents that parses back with basis, outcome, agents and entities', async () => {
    const res = await oslo.get(`/audit/export?format=fhir&subjectId=${scenario.subjectId}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const bundle = JSON.parse(res.text);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const events = bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource);
    expect(events).toHaveLength(5);
    expect(events.every((e: { resourceType: string; action: string }) => e.resourceType === 'AuditEvent' && e.action === 'R')).toBe(true);
    const [consentRead, , denial, breakGlass] = events;
    expect(consentRead.agent[0]).toMatchObject({ requestor: true, who: { identifier: { value: 'oslo-refugee/caseworker@oslo-refugee' } }, policy: [`urn:samhandling:basis:consent:${scenario.consentId}`] });
    expect(consentRead.agent.slice(1).map((a: { who: { identifier: { value: string } } }) => a.who.identifier.value)).toContain('oslo-health');
    expect(consentRead.entity[0]).toMatchObject({ what: { reference: `Patient/${scenario.subjectId}` } });
    expect(consentRead.entity[1]).toMatchObject({ what: { identifier: { value: 'person-overview' } } });
    expect(denial.outcome).toMatchObject({ code: { code: '4' }, detail: [{ text: 'Refused: no_basis' }] });
    expect(breakGlass.agent[0].policy).toEqual(['urn:samhandling:basis:legal:paa-13b-1-7@2026-01']);
    expect(breakGlass.authorization).toEqual(expect.arrayContaining([expect.objectContaining({ coding: [expect.objectContaining({ code: 'BTG' })] })]));
    expect(breakGlass.recorded).toBe(breakGlass.occurredDateTime);
  });

  it("walks the whole chain but tells an officer only their own municipality's figures, even after tampering", async () => {
    const log = api.app.get(DisclosureLog);
    const directory = api.app.get(AgencyDirectory);
    const all = await log.read();
    // Worked out from the log itself: the records an officer of a municipality accounts for.
    const of = (municipality: string) => all.filter((r) => [r.disclosure.recipient.agency, ...r.disclosure.disclosers].some((a) => directory.get(a)?.municipality === municipality));
    const [osloRecords, bergenRecords] = [of('0301'), of('4601')];
    expect(all.at(-1)).toBe(bergenRecords.at(-1)); // the scenario ends in Bergen, so the installation's last hash is not Oslo's
    expect(osloRecords.length).toBeLessThan(all.length);

    expect((await oslo.get('/audit/verify')).body).toEqual({ ok: true, chain: 'valid', records: osloRecords.length, lastSeq: osloRecords.at(-1)!.seq, lastHash: osloRecords.at(-1)!.hash });
    expect((await bergen.get('/audit/verify')).body).toEqual({ ok: true, chain: 'valid', records: bergenRecords.length, lastSeq: all.at(-1)!.seq, lastHash: all.at(-1)!.hash });
    expect((await auditClient(api, 'udi').get('/audit/verify')).body).toEqual({ ok: true, chain: 'valid', records: 0, lastSeq: null, lastHash: null });

    // Altering Oslo's second record breaks the chain for everyone; each is told how it touches their own records.
    const second = osloRecords[1];
    const store = api.store as unknown as { sqlClient: { query(sql: string): Promise<unknown> }; schemaName: string };
    // As the table's owner can, with its append-only triggers off.
    await store.sqlClient.query(`ALTER TABLE ${store.schemaName}.disclosures DISABLE TRIGGER USER`);
    await store.sqlClient.query(`UPDATE ${store.schemaName}.disclosures SET record = jsonb_set(record, '{purpose}', '"care"') WHERE seq = ${second.seq}`);
    await store.sqlClient.query(`ALTER TABLE ${store.schemaName}.disclosures ENABLE TRIGGER USER`);
    const broken = (records: ChainedDisclosure[]) => ({
      ok: false, chain: 'broken', problem: 'hash_mismatch', records: records.length,
      verified: records.filter((r) => r.seq < second.seq).length, firstUnproven: records.find((r) => r.seq >= second.seq)?.seq ?? null,
    });
    const res = await bergen.get('/audit/verify');
    expect([res.status, res.body]).toEqual([200, broken(bergenRecords)]);
    expect((await oslo.get('/audit/verify')).body).toEqual({ ...broken(osloRecords), verified: 1, firstUnproven: second.seq });
  });
});
