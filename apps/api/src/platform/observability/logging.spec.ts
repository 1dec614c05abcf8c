import { randomUUID } from 'node:crypto';
import { ApiHarness, consentBody, contactBody, referralBody } from '../../testing/api-harness';

/**
 * A person's journey through the API with logging on at debug level: every line is JSON with a
 * correlation id where a request caused it, and none carries a name, birth date, summary, concern,
 * referral reason or token.
 */
describe('logs (pino JSON lines)', () => {
  const lines: string[] = [];
  let api: ApiHarness;

  beforeAll(async () => {
    api = await ApiHarness.start({ relayInProcess: true, env: { LOG_LEVEL: 'debug' }, logDestination: { write: (line: string) => void lines.push(line) } });
  }, 60_000);
  afterAll(() => api?.close());

  it('tells a journey without any personal data, each request under its correlation id', async () => {
    const secrets = {
      givenName: 'Zebulonia', familyName: 'Quigleyfoot', birthDate: '1977-07-07',
      summary: 'Talked about the secret-summary-phrase', concern: 'secret-concern-phrase', reason: 'secret-referral-reason',
    };
    const correlationId = `journey-${randomUUID()}`;
    const register = await api.post('/subjects', { subjectId: randomUUID(), givenName: secrets.givenName, familyName: secrets.familyName, birthDate: secrets.birthDate }, { as: 'oslo-health', headers: { 'X-Correlation-Id': correlationId } });
    expect(register.status).toBe(201);
    expect(register.headers['x-correlation-id']).toBe(correlationId);
    const subjectId = register.body.streamId.replace(/^subject-/, '');
    expect((await api.post(`/subjects/${subjectId}/consents`, consentBody({ recipients: [{ agency: 'oslo-refugee' }], categories: ['health', 'contact_log'], purposes: ['follow_up'] }), { as: 'oslo-health' })).status).toBe(201);
    expect((await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['contact_log', 'health'], summary: secrets.summary, concerns: [secrets.concern] }), { as: 'oslo-health' })).status).toBe(201);
    expect((await api.post('/referrals', referralBody(subjectId, { to: 'oslo-refugee', from: undefined, reason: secrets.reason, categories: ['contact_log'], basis: { kind: 'consent', consentId: randomUUID() } }), { as: 'oslo-health' })).status).toBeGreaterThanOrEqual(201);
    // Refusals log too: invalid input naming a personal field, an unknown token, a denied read.
    expect((await api.post(`/subjects/${subjectId}/contacts`, { ...contactBody(), summary: 42, note: secrets.summary }, { as: 'oslo-health' })).status).toBe(400);
    const token = await api.token('nav-oslo');
    expect((await api.http.get(`/subjects/${subjectId}/projections/person-overview?purpose=coordination`).set('Authorization', `Bearer ${token}`)).status).toBe(403);
    expect((await api.http.get('/feed').set('Authorization', `Bearer ${token}x`)).status).toBe(401);
    await api.http.get(`/feed?after=0&wait=1`).set('Authorization', `Bearer ${await api.token('oslo-refugee')}`);

    expect(lines.length).toBeGreaterThanOrEqual(8);
    if (process.env.SHOW_LOG_LINES) process.stderr.write(lines.join(""));
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of parsed) expect(entry).toMatchObject({ level: expect.any(Number), time: expect.any(Number) });
    const requests = parsed.filter((e) => e.req !== undefined);
    expect(requests.length).toBeGreaterThanOrEqual(8);
    for (const entry of requests) expect(entry.correlationId).toEqual(expect.any(String));
    expect(requests.find((e) => e.correlationId === correlationId)).toMatchObject({ req: { method: 'POST', path: '/subjects' }, res: { statusCode: 201 } });

    expect(requests.map((e) => (e.req as { path: string }).path)).toEqual(expect.arrayContaining(['/subjects/:id/contacts', '/subjects/:id/projections/person-overview']));
    const all = lines.join('\n');
    for (const [what, value] of Object.entries({ ...secrets, token, subjectId })) {
      expect({ what, found: all.includes(value) }).toEqual({ what, found: false });
    }
    expect(all).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/); // no JWT of any kind
  }, 60_000);
});
