import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DisclosureLog, type AuditRecord } from '@samhandling/audit';
import { auditClient } from '../../audit/testing/audit-scenario';
import { ApiHarness, consentBody, contactBody } from '../../testing/api-harness';
import { loadCustomProjections } from './custom-projections';

const EXAMPLE = resolve(__dirname, '..', '..', '..', '..', '..', 'examples', 'custom-projection', 'contacts-per-channel.js');
const NAME = 'contacts-per-channel';

describe('a custom projection registered by configuration (CUSTOM_PROJECTIONS), read under the policy', () => {
  let api: ApiHarness;
  let log: DisclosureLog;

  beforeAll(async () => {
    api = await ApiHarness.start({ env: { CUSTOM_PROJECTIONS: EXAMPLE } });
    log = api.app.get(DisclosureLog);
  }, 60_000);
  afterAll(() => api?.close());

  const read = async (as: string, subjectId: string, purpose: string, headers: Record<string, string> = {}) => {
    let req = api.http.get(`/subjects/${subjectId}/projections/${NAME}?purpose=${purpose}`).set('Authorization', `Bearer ${await api.token(as)}`);
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    return req;
  };
  const recorded = async (subjectId: string) => (await log.read({ subjectId })).map((r) => r.disclosure).filter((d) => d.projection === NAME);
  const contact = async (as: string, subjectId: string, overrides: Record<string, unknown>) => {
    const res = await api.post(`/subjects/${subjectId}/contacts`, contactBody(overrides), { as });
    expect(res.status).toBe(201);
    return res.body.events[0].id as string;
  };

  it('is folded from the log, shown to the agency whose records it holds, refused without a basis and disclosed on record with one', async () => {
    const subjectId = await api.registerSubject();
    const inPerson = await contact('oslo-refugee', subjectId, { channel: 'in_person', categories: ['contact_log'], occurredAt: '2026-03-02T09:00:00Z' });
    const phone = await contact('oslo-refugee', subjectId, { channel: 'phone', categories: ['contact_log'], occurredAt: '2026-03-03T09:00:00Z' });
    // It touched on health, which the projection did not declare: never folded, so never disclosed through it.
    await contact('oslo-refugee', subjectId, { channel: 'phone', categories: ['contact_log', 'health'], occurredAt: '2026-03-04T09:00:00Z' });

    // (a) The refugee service reads its own records: nothing to record.
    const own = await read('oslo-refugee', subjectId, 'follow_up');
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      subjectId, projection: NAME, purpose: 'follow_up',
      data: { subjectId, channels: { in_person: { contacts: 1, latestAt: '2026-03-02T09:00:00Z' }, phone: { contacts: 1, latestAt: '2026-03-03T09:00:00Z' } } },
      records: [{ eventId: inPerson, ownerAgency: 'oslo-refugee', categories: ['contact_log'], bases: ['own-record'] }, { eventId: phone, ownerAgency: 'oslo-refugee', categories: ['contact_log'], bases: ['own-record'] }],
    });
    expect(await recorded(subjectId)).toEqual([]);

    // (b) The health service has no basis for the refugee service's records: refused, and the refusal recorded.
    const refused = await read('oslo-health', subjectId, 'care');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'POLICY.DENIED', reason: 'no_basis', message: expect.stringContaining(NAME) });
    expect(JSON.stringify(refused.body)).not.toContain('in_person');
    expect(await recorded(subjectId)).toEqual([
      expect.objectContaining({ kind: 'denial', denial: 'no_basis', recipient: expect.objectContaining({ agency: 'oslo-health' }), categories: ['contact_log'], bases: [] }),
    ]);

    // (c) The person consents to the refugee service sharing its contact log with the health service.
    const consent = consentBody({ recipients: [{ agency: 'oslo-health' }], categories: ['contact_log'], purposes: ['care'] });
    expect((await api.post(`/subjects/${subjectId}/consents`, consent, { as: 'oslo-refugee' })).status).toBe(201);
    const shared = await read('oslo-health', subjectId, 'care', { 'X-Request-Id': 'custom-read-1' });
    expect(shared.status).toBe(200);
    expect(shared.body.data).toEqual(own.body.data);
    expect(shared.body.bases).toEqual([expect.objectContaining({ kind: 'consent', consentId: consent.consentId, law: expect.stringContaining('GDPR') })]);
    // Retried with the same X-Request-Id: still one disclosure.
    expect((await read('oslo-health', subjectId, 'care', { 'X-Request-Id': 'custom-read-1' })).status).toBe(200);
    const disclosures = (await recorded(subjectId)).filter((d) => d.kind === 'pull');
    expect(disclosures).toEqual([expect.objectContaining({
      projection: NAME, recipient: expect.objectContaining({ agency: 'oslo-health' }), disclosers: ['oslo-refugee'], purpose: 'care',
      categories: ['contact_log'], eventIds: [inPerson, phone], fields: [`records/${inPerson}`, `records/${phone}`],
      bases: [expect.objectContaining({ kind: 'consent', consentId: consent.consentId })],
    })]);
    // …in the hash-chained log a privacy officer audits, beside the built-ins' records.
    const audit = await auditClient(api, 'oslo-health').get(`/audit/disclosures?subjectId=${subjectId}`);
    expect(audit.status).toBe(200);
    expect((audit.body.items as AuditRecord[]).map((r) => [r.disclosure.kind, r.disclosure.projection])).toEqual([['denial', NAME], ['pull', NAME]]);
    expect(audit.body.items[1]).toMatchObject({ hash: expect.stringMatching(/^[0-9a-f]{64}$/), disclosure: { eventIds: [inPerson, phone] } });

    // NAV records a contact too: the consent is the refugee service's to rely on, not NAV's, so
    // one record without a basis refuses the whole read — a state cannot be shown in part.
    await contact('nav-oslo', subjectId, { channel: 'video', categories: ['contact_log'] });
    const mixed = await read('oslo-health', subjectId, 'care');
    expect(mixed.status).toBe(403);
    expect(mixed.body).toMatchObject({ error: 'POLICY.DENIED', reason: 'consent_not_confirmed' });
    expect((await recorded(subjectId)).filter((d) => d.kind === 'denial').map((d) => d.denial)).toEqual(['no_basis', 'consent_not_confirmed']);
  });

  it('is listed with the built-ins: in OpenAPI, and when a projection name is unknown', async () => {
    const doc = (await api.http.get('/docs/openapi.json')).body;
    const projection = doc.paths['/subjects/{subjectId}/projections/{projection}'].get.parameters.find((p: { name: string }) => p.name === 'projection');
    expect(projection.schema.enum).toEqual(['person-overview', 'contact-history', 'consent-registry', 'coordination', NAME]);
    const subjectId = await api.registerSubject();
    const unknown = await api.http.get(`/subjects/${subjectId}/projections/contacts-per-channal?purpose=care`).set('Authorization', `Bearer ${await api.token('oslo-health')}`);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'READ.UNKNOWN_PROJECTION', message: expect.stringContaining(NAME) });
    expect((await api.http.get(`/subjects/${subjectId}/projections/${NAME}?purpose=care`)).status).toBe(401);
    expect((await read('oslo-health', subjectId, 'gossip')).body).toMatchObject({ statusCode: 400, error: 'READ.PURPOSE_REQUIRED' });
  });
});

describe('a bad CUSTOM_PROJECTIONS module stops the start, naming the file and the problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'samhandling-custom-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const module = (source: string, ext = 'js') => {
    const file = join(dir, `projection-${++n}.${ext}`);
    writeFileSync(file, source);
    return file;
  };
  const good = "name: 'per-channel', categories: ['contact_log'], init: (id) => ({ id }), evolve: (s) => s";

  it('refuses to start the API', async () => {
    const file = module(`module.exports = { name: 'per-channel', categories: ['contact_log'], init: (id) => ({ id }) };`);
    await expect(ApiHarness.start({ env: { CUSTOM_PROJECTIONS: file } })).rejects.toThrow(`CUSTOM_PROJECTIONS: ${file}: evolve must be a function`);
  }, 60_000);

  it('names an unknown category, a name already taken, a module that does not load or exports nothing', async () => {
    const unknown = module(`module.exports = { ${good}, categories: ['contact_log', 'gossip'] };`);
    await expect(loadCustomProjections([unknown])).rejects.toThrow(`CUSTOM_PROJECTIONS: ${unknown}: unknown category "gossip"`);
    const taken = module(`module.exports = { ${good}, name: 'person-overview' };`);
    await expect(loadCustomProjections([taken])).rejects.toThrow(`CUSTOM_PROJECTIONS: ${taken}: name "person-overview" is already taken`);
    const once = module(`module.exports = { ${good} };`);
    const twice = module(`module.exports = { ${good} };`);
    await expect(loadCustomProjections([once, twice])).rejects.toThrow(`CUSTOM_PROJECTIONS: ${twice}: name "per-channel" is already taken`);
    const broken = module('module.exports = { name: ');
    await expect(loadCustomProjections([broken])).rejects.toThrow(`CUSTOM_PROJECTIONS: ${broken} could not be loaded`);
    await expect(loadCustomProjections([join(dir, 'missing.js')])).rejects.toThrow(`CUSTOM_PROJECTIONS: ${join(dir, 'missing.js')} could not be loaded`);
    const nothing = module('export const name = "x";', 'mjs');
    await expect(loadCustomProjections([nothing])).rejects.toThrow(`CUSTOM_PROJECTIONS: ${nothing}: exports no projection definition`);
  });

  it('loads an ES module\'s default export as it loads CommonJS', async () => {
    const esm = module(`export default { ${good} };`, 'mjs');
    expect((await loadCustomProjections([esm, EXAMPLE])).map((l) => l.definition.name)).toEqual(['per-channel', NAME]);
  });
});
