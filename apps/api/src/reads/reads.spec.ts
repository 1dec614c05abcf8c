import { randomUUID } from 'node:crypto';
import { DisclosureLog } from '@samhandling/audit';
import { ApiHarness, consentBody, contactBody } from '../testing/api-harness';

describe('pull reads: policy, redaction and disclosure records (API over PGlite)', () => {
  let api: ApiHarness;
  let log: DisclosureLog;

  beforeAll(async () => {
    api = await ApiHarness.start();
    log = api.app.get(DisclosureLog);
  }, 60_000);
  afterAll(() => api?.close());

  const read = async (as: string, subjectId: string, projection: string, purpose?: string, headers: Record<string, string> = {}) => {
    let req = api.http.get(`/subjects/${subjectId}/projections/${projection}${purpose ? `?purpose=${purpose}` : ''}`).set('Authorization', `Bearer ${await api.token(as)}`);
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    return req;
  };
  const disclosuresAbout = async (subjectId: string) => (await log.read({ subjectId })).map((r) => r.disclosure);

  it('walks: recorded by one service, refused to another, shared under consent citing it, refused again after withdrawal', async () => {
    const subjectId = await api.registerSubject();
    const refugeeContact = contactBody({ categories: ['contact_log', 'education'], summary: 'Introduction programme plan agreed' });
    expect((await api.post(`/subjects/${subjectId}/contacts`, refugeeContact, { as: 'oslo-refugee' })).status).toBe(201);

    // The health service has no basis for the refugee service's record.
    const refused = await read('oslo-health', subjectId, 'contact-history', 'care');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'POLICY.DENIED', reason: 'no_basis' });
    expect(JSON.stringify(refused.body)).not.toContain('Introduction programme plan');

    // The health service records a contact with health concerns.
    const healthContact = contactBody({ categories: ['contact_log', 'health'], summary: 'Sleep problems, referred to psychologist', concerns: ['trauma'] });
    expect((await api.post(`/subjects/${subjectId}/contacts`, healthContact, { as: 'oslo-health' })).status).toBe(201);
    const before = (await read('oslo-refugee', subjectId, 'person-overview', 'coordination')).body;
    expect(before.data.latestContactPerAgency['oslo-health']).toBeUndefined();

    // The person consents to sharing health-related concerns with the refugee service.
    const consent = consentBody({ recipients: [{ agency: 'oslo-refugee' }], categories: ['contact_log', 'health'], purposes: ['coordination', 'follow_up'] });
    expect((await api.post(`/subjects/${subjectId}/consents`, consent, { as: 'oslo-refugee' })).status).toBe(201);
    // The refugee service recorded a consent naming itself: the health service's records are not
    // its to open. It waits for the health service to confirm (the health service's duty it lifts).
    const pendingRead = await read('oslo-refugee', subjectId, 'person-overview', 'coordination');
    expect(pendingRead.body.data.latestContactPerAgency['oslo-health']).toBeUndefined();
    const pending = await api.http.get('/consents/pending').set('Authorization', `Bearer ${await api.token('oslo-health')}`);
    expect(pending.body.pending).toEqual([expect.objectContaining({ subjectId, consentId: consent.consentId, recordedBy: 'oslo-refugee', awaitingConfirmation: ['contact_log', 'health'] })]);
    const confirmation = await api.post(`/subjects/${subjectId}/consents/${consent.consentId}/confirmation`, { note: 'Form archive 2026/1234 checked' }, { as: 'oslo-health' });
    expect(confirmation.status).toBe(201);
    expect((await api.http.get('/consents/pending').set('Authorization', `Bearer ${await api.token('oslo-health')}`)).body.pending).toEqual([]);
    const overview = await read('oslo-refugee', subjectId, 'person-overview', 'coordination');
    expect(overview.status).toBe(200);
    expect(overview.body.data.latestContactPerAgency['oslo-health']).toMatchObject({ contactId: healthContact.contactId, categories: ['contact_log', 'health'], bases: [`consent:${consent.consentId}`] });
    expect(overview.body.bases).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'consent', consentId: consent.consentId, law: expect.stringContaining('GDPR') })]));
    const history = await read('oslo-refugee', subjectId, 'contact-history', 'follow_up');
    expect(history.body.data.contacts.find((c: { contactId: string }) => c.contactId === healthContact.contactId)).toMatchObject({ summary: 'Sleep problems, referred to psychologist', concerns: ['trauma'] });

    // Each of those reads is on record, citing the consent.
    const recorded = (await disclosuresAbout(subjectId)).filter((d) => d.kind === 'pull' && d.recipient.agency === 'oslo-refugee');
    expect(recorded).toHaveLength(2);
    expect(recorded.every((d) => d.disclosers.includes('oslo-health') && d.bases.some((b) => b.kind === 'consent' && b.consentId === consent.consentId))).toBe(true);
    expect(recorded.map((d) => d.projection).sort()).toEqual(['contact-history', 'person-overview']);

    // Withdrawn: the health service's record is no longer disclosed, and nothing cites the consent.
    expect((await api.post(`/subjects/${subjectId}/consents/${consent.consentId}/withdrawal`, { reason: 'Changed my mind' }, { as: 'oslo-refugee' })).status).toBe(201);
    const after = await read('oslo-refugee', subjectId, 'contact-history', 'follow_up');
    expect(after.status).toBe(200);
    expect(after.body.data.contacts.map((c: { contactId: string }) => c.contactId)).toEqual([refugeeContact.contactId]);
    expect(JSON.stringify(after.body)).not.toContain(consent.consentId as string);
    const refusedAgain = await read('oslo-adult-learning', subjectId, 'contact-history', 'follow_up');
    expect(refusedAgain.status).toBe(403);
    const countAfter = (await disclosuresAbout(subjectId)).filter((d) => d.kind === 'pull').length;
    expect(countAfter).toBe(2);
  });

  it('says why a read is refused when consent was withdrawn or expired, and records the refusal', async () => {
    const subjectId = await api.registerSubject();
    await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['health'] }), { as: 'oslo-health' });
    const consent = consentBody({ recipients: [{ agency: 'nav-oslo' }], categories: ['health'], purposes: ['follow_up'] });
    await api.post(`/subjects/${subjectId}/consents`, consent, { as: 'oslo-health' });
    expect((await read('nav-oslo', subjectId, 'contact-history', 'follow_up')).status).toBe(200);
    await api.post(`/subjects/${subjectId}/consents/${consent.consentId}/withdrawal`, {}, { as: 'oslo-health' });
    const refused = await read('nav-oslo', subjectId, 'contact-history', 'follow_up');
    expect(refused.status).toBe(403);
    expect(refused.body.reason).toBe('consent_withdrawn');
    const denial = (await disclosuresAbout(subjectId)).find((d) => d.kind === 'denial');
    expect(denial).toMatchObject({ recipient: { agency: 'nav-oslo' }, denial: 'consent_withdrawn', projection: 'contact-history', fields: [], bases: [] });
  });

  it('shows metadata with content redacted when only that much is allowed', async () => {
    const subjectId = await api.registerSubject();
    const contact = contactBody({ categories: ['contact_log', 'health', 'education'] });
    await api.post(`/subjects/${subjectId}/contacts`, contact, { as: 'oslo-health' });
    await api.post(`/subjects/${subjectId}/consents`, consentBody({ recipients: [{ agency: 'oslo-adult-learning' }], categories: ['contact_log', 'health'], purposes: ['follow_up'] }), { as: 'oslo-health' });
    const res = await read('oslo-adult-learning', subjectId, 'contact-history', 'follow_up');
    expect(res.status).toBe(200);
    const [item] = res.body.data.contacts;
    expect(item).toMatchObject({ contactId: contact.contactId, ownerAgency: 'oslo-health', categories: ['contact_log', 'health'], redacted: ['summary', 'concerns', 'actor'] });
    expect(item.summary).toBeUndefined();
    expect((await disclosuresAbout(subjectId)).find((d) => d.kind === 'pull')?.fields).toEqual([`contacts/${contact.contactId}#metadata`]);
  });

  it('duty to notify: child welfare sees whom a concern is about, and the concern on a health contact with the health part redacted', async () => {
    const subjectId = await api.registerSubject();
    const contact = contactBody({ categories: ['health', 'child_welfare_concern'], summary: 'Mother depressed; GP follows up', concerns: ['Child (6) left alone for days'] });
    expect((await api.post(`/subjects/${subjectId}/contacts`, contact, { as: 'oslo-health' })).status).toBe(201);
    const overview = await read('oslo-child-welfare', subjectId, 'person-overview', 'child_protection');
    expect(overview.status).toBe(200);
    expect(overview.body.data.identity).toMatchObject({ bases: ['legal:duty-to-notify-child-welfare@2026-01'] });
    const history = await read('oslo-child-welfare', subjectId, 'contact-history', 'child_protection');
    expect(history.status).toBe(200);
    expect(history.body.data.contacts).toEqual([expect.objectContaining({
      contactId: contact.contactId, categories: ['child_welfare_concern'], concerns: ['Child (6) left alone for days'], redacted: ['summary', 'actor'],
    })]);
    expect(JSON.stringify(history.body)).not.toContain('depressed');
    const recorded = (await disclosuresAbout(subjectId)).filter((d) => d.recipient.agency === 'oslo-child-welfare');
    expect(recorded.map((d) => d.categories)).toEqual([['child_welfare_concern', 'identity'], ['child_welfare_concern']]);
    // Nothing of the kind without a concern, or for another agency.
    expect((await read('nav-oslo', subjectId, 'contact-history', 'child_protection')).status).toBe(403);
  });

  it('opens break-glass only with a justification, and records it for review', async () => {
    const subjectId = await api.registerSubject();
    await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['health'] }), { as: 'oslo-health' });
    expect((await read('oslo-refugee', subjectId, 'contact-history', 'emergency')).status).toBe(400);
    const justification = 'Person collapsed at the reception; need allergy and medication information now';
    const res = await read('oslo-refugee', subjectId, 'contact-history', 'emergency', { 'X-Justification': justification });
    expect(res.status).toBe(200);
    expect(res.body.bases).toEqual([expect.objectContaining({ kind: 'legal', entryId: 'paa-13b-1-7' })]);
    expect((await disclosuresAbout(subjectId)).find((d) => d.kind === 'break_glass')).toMatchObject({ justification, purpose: 'emergency' });
  });

  it('says a missing or too short justification is a bad request, not a missing basis, and records nothing', async () => {
    const subjectId = await api.registerSubject();
    await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['health'] }), { as: 'oslo-health' });
    const missing = await read('oslo-refugee', subjectId, 'contact-history', 'emergency');
    expect(missing.body).toMatchObject({ statusCode: 400, error: 'READ.JUSTIFICATION_REQUIRED', message: expect.stringContaining('X-Justification') });
    for (const short of ['urgent', '   too short   ', '']) {
      const res = await read('oslo-refugee', subjectId, 'contact-history', 'emergency', { 'X-Justification': short });
      expect(res.body).toMatchObject({ statusCode: 400, error: 'READ.INVALID_JUSTIFICATION', message: expect.stringContaining('10–2000') });
    }
    expect((await read('oslo-refugee', subjectId, 'contact-history', 'emergency', { 'X-Justification': 'x'.repeat(2001) })).body).toMatchObject({ statusCode: 400, error: 'READ.INVALID_JUSTIFICATION' });
    expect((await read('oslo-refugee', subjectId, 'contact-history', 'emergency', { 'X-Justification': 'Unconscious' })).status).toBe(200);
    expect((await disclosuresAbout(subjectId)).filter((d) => d.kind !== 'break_glass')).toEqual([]);
  });

  it('documents the justification limits the policy applies in OpenAPI', async () => {
    const doc = (await api.http.get('/docs/openapi.json')).body;
    const header = doc.paths['/subjects/{subjectId}/projections/{projection}'].get.parameters.find((p: { name: string }) => p.name === 'X-Justification');
    expect(header).toMatchObject({ in: 'header', schema: { minLength: 10, maxLength: 2000 }, description: expect.stringContaining('10–2000') });
  });

  it('says a consent not yet in force is not yet valid, not expired', async () => {
    const subjectId = await api.registerSubject();
    await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['health'] }), { as: 'oslo-health' });
    const validFrom = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const consent = consentBody({ recipients: [{ agency: 'nav-oslo' }], categories: ['health'], purposes: ['follow_up'], validFrom });
    expect((await api.post(`/subjects/${subjectId}/consents`, consent, { as: 'oslo-health' })).status).toBe(201);
    const refused = await read('nav-oslo', subjectId, 'contact-history', 'follow_up');
    expect(refused.body).toMatchObject({ statusCode: 403, error: 'POLICY.DENIED', reason: 'consent_not_yet_valid' });
    expect((await disclosuresAbout(subjectId)).find((d) => d.kind === 'denial')).toMatchObject({ denial: 'consent_not_yet_valid' });
  });

  it('records a retried read (same X-Request-Id) once', async () => {
    const subjectId = await api.registerSubject({}, 'oslo-health');
    await api.post(`/subjects/${subjectId}/consents`, consentBody({ recipients: [{ agency: 'oslo-refugee' }], categories: ['identity'], purposes: ['follow_up'] }), { as: 'oslo-health' });
    const requestId = randomUUID();
    expect((await read('oslo-refugee', subjectId, 'person-overview', 'follow_up', { 'X-Request-Id': requestId })).status).toBe(200);
    expect((await read('oslo-refugee', subjectId, 'person-overview', 'follow_up', { 'X-Request-Id': requestId })).status).toBe(200);
    expect((await disclosuresAbout(subjectId)).filter((d) => d.kind === 'pull')).toHaveLength(1);
    expect(await log.verify()).toMatchObject({ ok: true });
  });

  it('rejects bad read requests clearly', async () => {
    const subjectId = await api.registerSubject();
    expect((await read('oslo-refugee', subjectId, 'person-overview')).body).toMatchObject({ statusCode: 400, error: 'READ.PURPOSE_REQUIRED' });
    expect((await read('oslo-refugee', subjectId, 'nope', 'care')).body).toMatchObject({ statusCode: 400, error: 'READ.UNKNOWN_PROJECTION' });
    expect((await read('oslo-refugee', randomUUID(), 'person-overview', 'care')).body).toMatchObject({ statusCode: 404, error: 'SUBJECT.NOT_FOUND' });
    expect((await read('oslo-refugee', 'not-a-uuid', 'person-overview', 'care')).status).toBe(400);
    expect((await api.http.get(`/subjects/${subjectId}/projections/person-overview?purpose=care`)).status).toBe(401);
  });
});

describe('referral board', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start();
  }, 60_000);
  afterAll(() => api?.close());

  it('shows each agency its incoming and outgoing referrals, by deadline, and records what the receiver read', async () => {
    const subjectId = await api.registerSubject();
    const send = (answerBy: string, acknowledgeBy = new Date(Date.now() + 60_000).toISOString()) => {
      const referralId = randomUUID();
      return api.post('/referrals', {
        referralId, subjectId, to: 'oslo-health', reason: 'Needs a health assessment', categories: ['health'],
        basis: { kind: 'legal', entryId: 'paa-13b-1-5' }, acknowledgeBy, answerBy,
      }, { as: 'oslo-adult-learning' }).then((res) => ({ res, referralId }));
    };
    const later = await send(new Date(Date.now() + 10 * 86_400_000).toISOString());
    const sooner = await send(new Date(Date.now() + 2 * 86_400_000).toISOString());
    expect([later.res.status, sooner.res.status]).toEqual([201, 201]);
    const board = await api.http.get('/referral-board').set('Authorization', `Bearer ${await api.token('oslo-health')}`);
    expect(board.status).toBe(200);
    expect(board.body.incoming.map((r: { referralId: string }) => r.referralId)).toEqual([sooner.referralId, later.referralId]);
    expect(board.body.incoming[0]).toMatchObject({ from: 'oslo-adult-learning', overdue: false, bases: [`referral:${sooner.referralId}`] });
    const sender = await api.http.get('/referral-board').set('Authorization', `Bearer ${await api.token('oslo-adult-learning')}`);
    expect(sender.body.outgoing).toHaveLength(2);
    expect(sender.body.incoming).toEqual([]);
    const nav = await api.http.get('/referral-board').set('Authorization', `Bearer ${await api.token('nav-oslo')}`);
    expect(nav.body).toMatchObject({ incoming: [], outgoing: [] });
    const recorded = (await api.app.get(DisclosureLog).read({ subjectId })).map((r) => r.disclosure);
    expect(recorded).toEqual([expect.objectContaining({ recipient: expect.objectContaining({ agency: 'oslo-health' }), projection: 'referral-board', disclosers: ['oslo-adult-learning'] })]);
  });

  it('pages each side by a cursor, overdue first then by deadline, recording each page once per person on it', async () => {
    const [amina, omar] = [await api.registerSubject(), await api.registerSubject()];
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
    const mine: string[] = [];
    for (const [n, subjectId] of [[5, amina], [1, omar], [4, amina], [2, amina], [3, omar]] as const) {
      const referralId = randomUUID();
      const res = await api.post('/referrals', {
        referralId, subjectId, to: 'oslo-health', reason: 'Needs a health assessment', categories: ['health'],
        basis: { kind: 'legal', entryId: 'paa-13b-1-5' }, acknowledgeBy: day(0.5), answerBy: day(n),
      }, { as: 'oslo-adult-learning' });
      expect(res.status).toBe(201);
      mine[n - 1] = referralId;
    }
    const token = await api.token('oslo-health');
    const get = (query: string, requestId?: string) => {
      const req = api.http.get(`/referral-board${query}`).set('Authorization', `Bearer ${token}`);
      return requestId ? req.set('X-Request-Id', requestId) : req;
    };
    const before = (await api.app.get(DisclosureLog).read({ subjectId: amina })).length;
    const pages: Array<{ incoming: Array<{ referralId: string; subjectId: string }>; next: { incoming?: string } }> = [];
    let query = '?side=incoming&limit=2';
    for (let guard = 0; guard < 20; guard++) {
      const page = await get(query, 'walk-1');
      expect(page.status).toBe(200);
      expect(page.body.outgoing).toBeUndefined();
      expect(page.body.incoming.length).toBeLessThanOrEqual(2);
      pages.push(page.body);
      if (!page.body.next.incoming) break;
      query = `?side=incoming&limit=2&cursor=${page.body.next.incoming}`;
    }
    const seen = pages.flatMap((p) => p.incoming.map((r) => r.referralId));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => mine.includes(id))).toEqual(mine);

    // One record per person per page, and a retried page (same X-Request-Id) records nothing more.
    const pagesWithAmina = pages.filter((p) => p.incoming.some((r) => r.subjectId === amina)).length;
    const log = api.app.get(DisclosureLog);
    expect((await log.read({ subjectId: amina })).length - before).toBe(pagesWithAmina);
    await get('?side=incoming&limit=2', 'walk-1');
    expect((await log.read({ subjectId: amina })).length - before).toBe(pagesWithAmina);

    const first = (await get('?limit=1')).body;
    expect(first).toMatchObject({ incoming: [expect.anything()], outgoing: [], next: { incoming: expect.any(String) } });
    const bad: Array<[string, string]> = [
      ['?limit=0', 'limit must be at least 1'], ['?limit=201', 'limit must be at most 200'], ['?side=sideways', 'side must be one of incoming, outgoing'],
      ['?cursor=not-a-cursor', 'READ.INVALID_CURSOR'], [`?cursor=${Buffer.from('["incoming","x",true,"y","z"]').toString('base64url')}`, 'READ.INVALID_CURSOR'],
      [`?side=outgoing&cursor=${first.next.incoming}`, 'cursor continues the incoming side, not outgoing'],
    ];
    const recorded = (await log.read()).length;
    for (const [q, problem] of bad) {
      const res = await get(q);
      expect({ q, status: res.status, body: JSON.stringify(res.body) }).toEqual({ q, status: 400, body: expect.stringContaining(problem) });
    }
    expect((await log.read()).length).toBe(recorded);
  });
});

describe('decision API', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start();
  }, 60_000);
  afterAll(() => api?.close());

  const ask = async (as: string, subjectId: string, query: string) =>
    api.http.get(`/subjects/${subjectId}/decision?${query}`).set('Authorization', `Bearer ${await api.token(as)}`);

  it('explains what an agency may see and on which basis, disclosing nothing and recording nothing', async () => {
    const subjectId = await api.registerSubject();
    const consent = consentBody({ recipients: [{ agency: 'oslo-refugee' }], categories: ['health'], purposes: ['follow_up'] });
    await api.post(`/subjects/${subjectId}/consents`, consent, { as: 'oslo-health' });
    const allowed = await ask('oslo-refugee', subjectId, 'purpose=follow_up&owner=oslo-health&categories=health');
    expect(allowed.body).toMatchObject({ allowed: true, permittedCategories: ['health'], bases: [{ kind: 'consent', consentId: consent.consentId, title: "The person's consent" }] });
    const partly = await ask('oslo-refugee', subjectId, 'purpose=follow_up&owner=oslo-health&categories=health,family_situation');
    expect(partly.body).toMatchObject({ allowed: false, permittedCategories: ['health'], denial: 'no_basis' });
    expect((await ask('bergen-health', subjectId, 'purpose=care&owner=oslo-health&categories=health')).body).toMatchObject({ allowed: false, denial: 'no_basis' });
    // Once the Bergen GP is involved with the person, cooperation between health personnel applies.
    await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['contact_log'] }), { as: 'bergen-health' });
    const care = await ask('bergen-health', subjectId, 'purpose=care&owner=oslo-health&categories=health');
    expect(care.body).toMatchObject({ allowed: true, bases: [{ kind: 'legal', entryId: 'hpa-25-45', law: 'Health Personnel Act §25 and §45' }] });
    expect((await ask('oslo-refugee', subjectId, 'purpose=nope&owner=oslo-health&categories=health')).status).toBe(400);
    expect((await ask('oslo-refugee', subjectId, 'purpose=care&owner=oslo-health&categories=health&extra=1')).status).toBe(400);
    expect((await api.app.get(DisclosureLog).read({ subjectId }))).toEqual([]);
  });
});
