import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { mintToken } from '../../platform/auth/local-keys';
import { consentBody, contactBody, type ApiHarness } from '../../testing/api-harness';

/** A caller of the audit API: a privacy officer of `agency` unless `roles` says otherwise. */
export function auditClient(api: ApiHarness, agency: string, roles: string[] = ['privacy-officer']) {
  let token: Promise<string> | undefined;
  const auth = () => (token ??= mintToken(api.keys.privateJwk, { agency, actor: `officer@${agency}`, roles }, { issuer: api.config.jwtIssuer, audience: api.config.jwtAudience }));
  return {
    token: auth,
    get: async (path: string, headers: Record<string, string> = {}): Promise<request.Response> => {
      let req = api.http.get(path).set('Authorization', `Bearer ${await auth()}`);
      for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
      return req;
    },
    /** For bodies superagent would not buffer (application/x-ndjson): the raw text in `body`. */
    getText: async (path: string): Promise<request.Response> =>
      api.http.get(path).set('Authorization', `Bearer ${await auth()}`).buffer(true)
        .parse((res, done) => { let text = ''; res.setEncoding('utf8'); res.on('data', (c: string) => (text += c)); res.on('end', () => done(null, text)); }),
    post: async (path: string, body: object) => api.post(path, body, { headers: { Authorization: `Bearer ${await auth()}` }, as: null }),
  };
}

export interface Read {
  recipient: string;
  projection: string;
  kind: 'read' | 'emergency_access';
}

/**
 * One person in Oslo with contacts at four agencies, read by several of them: two reads that
 * disclose (consent), two break-glass reads, one refused, one of the agency's own data only
 * (discloses nothing). And one person in Bergen read under break-glass there.
 */
export async function auditScenario(api: ApiHarness) {
  const read = async (as: string, subjectId: string, projection: string, purpose: string, headers: Record<string, string> = {}) => {
    let req = api.http.get(`/subjects/${subjectId}/projections/${projection}?purpose=${purpose}`).set('Authorization', `Bearer ${await api.token(as)}`);
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    return (await req).status;
  };
  const emergency = { 'X-Justification': 'Found unconscious at the reception; need allergies and medication now' };
  const created = (status: number) => expect(status).toBe(201);

  const subjectId = await api.registerSubject();
  for (const [agency, categories] of [['oslo-health', ['contact_log', 'health']], ['oslo-refugee', ['contact_log', 'education']], ['nav-oslo', ['contact_log', 'welfare']], ['oslo-adult-learning', ['contact_log', 'education']]] as const) {
    created((await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories }), { as: agency })).status);
  }
  const consent = consentBody({ recipients: [{ agency: 'oslo-refugee' }], categories: ['contact_log', 'health'], purposes: ['coordination'] });
  // Recorded by the discloser whose duty it lifts (a self-named consent would wait for its confirmation).
  created((await api.post(`/subjects/${subjectId}/consents`, consent, { as: 'oslo-health' })).status);
  const navConsent = consentBody({ recipients: [{ agency: 'nav-oslo' }], categories: ['contact_log', 'education'], purposes: ['follow_up'] });
  created((await api.post(`/subjects/${subjectId}/consents`, navConsent, { as: 'oslo-refugee' })).status);

  expect(await read('oslo-refugee', subjectId, 'person-overview', 'coordination')).toBe(200);
  expect(await read('nav-oslo', subjectId, 'contact-history', 'follow_up')).toBe(200);
  expect(await read('oslo-housing', subjectId, 'contact-history', 'follow_up')).toBe(403);
  expect(await read('oslo-health', subjectId, 'contact-history', 'care')).toBe(200); // its own contact only: nothing disclosed
  expect(await read('oslo-refugee', subjectId, 'contact-history', 'emergency', emergency)).toBe(200);
  expect(await read('oslo-refugee', subjectId, 'contact-history', 'emergency', { ...emergency, 'X-Request-Id': randomUUID() })).toBe(200);
  const disclosed: Read[] = [
    { recipient: 'oslo-refugee', projection: 'person-overview', kind: 'read' },
    { recipient: 'nav-oslo', projection: 'contact-history', kind: 'read' },
    { recipient: 'oslo-refugee', projection: 'contact-history', kind: 'emergency_access' },
    { recipient: 'oslo-refugee', projection: 'contact-history', kind: 'emergency_access' },
  ];

  const bergenSubjectId = await api.registerSubject({}, 'bergen-refugee');
  created((await api.post(`/subjects/${bergenSubjectId}/contacts`, contactBody({ categories: ['health'] }), { as: 'bergen-health' })).status);
  expect(await read('bergen-refugee', bergenSubjectId, 'contact-history', 'emergency', emergency)).toBe(200);

  return { subjectId, bergenSubjectId, consentId: consent.consentId as string, disclosed };
}
