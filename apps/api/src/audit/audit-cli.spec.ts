import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DisclosureLog } from '@samhandling/audit';
import type { SqlEventStore } from '@samhandling/event-store';
import { auditClient } from './testing/audit-scenario';
import { ApiHarness, contactBody } from '../testing/api-harness';
import { runAuditCli } from '../cli/audit';

describe('npm run audit (the CLI against a listening API on PGlite)', () => {
  let api: ApiHarness;
  let url: string;
  let token: string;
  let subjectId: string;
  const dir = mkdtempSync(join(tmpdir(), 'samhandling-audit-cli-'));

  beforeAll(async () => {
    api = await ApiHarness.start();
    await api.app.listen(0, '127.0.0.1');
    url = await api.app.getUrl();
    token = await auditClient(api, 'oslo-health').token();
    subjectId = await api.registerSubject();
    await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['health'] }), { as: 'oslo-health' });
    // One break-glass read, then one refused for want of a basis (an emergency read without a justification is a 400, not a refusal).
    for (const [purpose, headers] of [['emergency', { 'X-Justification': 'Unconscious at the reception' }], ['care', {}]] as const) {
      await api.http.get(`/subjects/${subjectId}/projections/contact-history?purpose=${purpose}`).set({ Authorization: `Bearer ${await api.token('oslo-refugee')}`, ...headers });
    }
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runAuditCli(argv, { out: (t) => (out += t), err: (t) => (err += t), env: {} });
    return { code, out, err };
  };
  const connect = () => ['--url', url, '--token', token];

  it('verifies an intact chain with exit 0', async () => {
    // Every record here is Oslo's, so this officer's scope is the whole log.
    const records = (await api.app.get(DisclosureLog).read()).length;
    const result = await run('verify', ...connect());
    expect(result).toMatchObject({ code: 0, out: expect.stringMatching(new RegExp(`^OK: disclosure chain intact; ${records} record\\(s\\) in your scope, latest #${records} with hash [0-9a-f]{64}\n$`)) });
    expect(JSON.parse((await run('verify', '--json', ...connect())).out)).toMatchObject({ ok: true, chain: 'valid', records, lastSeq: records });
  });

  it('queries, exports and prints the access report', async () => {
    const query = await run('query', '--subject', subjectId, ...connect());
    expect(query.code).toBe(0);
    expect(query.out).toMatch(/^#\d+ .* break_glass .*\n {4}oslo-refugee \(caseworker@oslo-refugee\) ← oslo-health: contact-history/);
    expect(query.out).toContain('review: pending');
    expect(query.out).toMatch(/\n#\d+ .* denial .*\n.*\n.*\n {4}refused: no_basis\n$/);

    const file = join(dir, 'export.fhir.json');
    const exported = await run('export', '--format', 'fhir', '--kind', 'break_glass', '--out', file, ...connect());
    expect(exported).toMatchObject({ code: 0, err: `exported 1 record(s) as fhir to ${file}\n` });
    expect(JSON.parse(readFileSync(file, 'utf8')).entry[0].resource).toMatchObject({ resourceType: 'AuditEvent', patient: { reference: `Patient/${subjectId}` } });
    const lines = (await run('export', '--subject', subjectId, ...connect())).out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.disclosure.kind)).toEqual(['break_glass', 'denial']);

    const report = await run('report', '--subject', subjectId, ...connect());
    expect(report.code).toBe(0);
    expect(report.out).toContain('Oslo kommune – flyktningtjenesten (introduksjonsprogrammet) received:');
    expect(report.out).toContain('Emergency access, justified as: "Unconscious at the reception"');
  });

  it('explains usage errors (exit 2) and refused or failed requests (exit 1)', async () => {
    expect(await run('shred', ...connect())).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "shred"') });
    expect(await run('verify', '--colour', 'red')).toMatchObject({ code: 2, err: expect.stringContaining("Unknown option '--colour'") });
    expect(await run('report', ...connect())).toMatchObject({ code: 2, err: expect.stringContaining('report needs --subject') });
    expect(await run('verify', '--url', url)).toMatchObject({ code: 2, err: expect.stringContaining('no token') });
    expect((await run('--help')).code).toBe(0);
    const caseworker = await auditClient(api, 'oslo-health', []).token();
    expect(await run('query', '--url', url, '--token', caseworker)).toMatchObject({ code: 1, err: expect.stringContaining('HTTP 403 AUTH.ROLE_REQUIRED') });
    expect(await run('query', '--limit', '9999', ...connect())).toMatchObject({ code: 1, err: expect.stringContaining('limit must be a whole number from 1 to 500') });
    expect(await run('verify', '--url', 'http://127.0.0.1:9', '--token', token)).toMatchObject({ code: 1, err: expect.stringContaining('cannot reach the API') });
  });

  it('exits 3 and names the record when the chain was tampered with', async () => {
    const store = api.store as SqlEventStore;
    // As the table's owner can, with its append-only triggers off.
    await store.sqlClient.query(`ALTER TABLE ${store.schemaName}.disclosures DISABLE TRIGGER USER`);
    await store.sqlClient.query(`UPDATE ${store.schemaName}.disclosures SET record = jsonb_set(record, '{recipient,agency}', '"nav-oslo"') WHERE seq = 1`);
    await store.sqlClient.query(`ALTER TABLE ${store.schemaName}.disclosures ENABLE TRIGGER USER`);
    const records = (await api.app.get(DisclosureLog).read()).length;
    const result = await run('verify', ...connect());
    expect(result.code).toBe(3);
    expect(result.out).toBe(`BROKEN: disclosure chain broken: a record no longer matches its hash: it was altered after it was written.\n0 of the ${records} record(s) in your scope verify; from your record #1 on nothing is proven.\n`);
    expect((await run('verify', '--json', ...connect())).out).toBe(`{"ok":false,"chain":"broken","problem":"hash_mismatch","records":${records},"verified":0,"firstUnproven":1}\n`);
  });
});
