import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Response } from 'supertest';
import { auditClient } from '../../audit/testing/audit-scenario';
import { ApiHarness, consentBody, contactBody, subjectBody } from '../../testing/api-harness';

/**
 * Inputs a new user (or an attacker) sends that used to answer 500: each is now a coded 4xx, and
 * nothing is appended. One test per family of input.
 */
describe('HTTP API: hostile input is a coded 4xx, never a 500, and appends nothing', () => {
  let api: ApiHarness;
  let subjectId: string;

  beforeAll(async () => {
    api = await ApiHarness.start();
    subjectId = await api.registerSubject();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const json = (body: object) => JSON.stringify(body);
  /** Raw bytes with our own headers: superagent would otherwise JSON-encode a Buffer. */
  const raw = async (path: string, bytes: Buffer | string, headers: Record<string, string>) => {
    let req = api.http.post(path).set('Authorization', `Bearer ${await api.token('oslo-refugee')}`);
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    return req.serialize((b: unknown) => b as string).send(bytes as string);
  };
  const refused = async (send: () => Promise<Response>, status: number, code: string): Promise<Response> => {
    const res = await api.appendsNothing(send);
    expect({ status: res.status, code: res.body?.error }).toEqual({ status, code });
    return res;
  };

  describe('text PostgreSQL cannot store (NUL, unpaired surrogates) in any string', () => {
    it.each([
      ['NUL in a top-level field', () => json(subjectBody({ givenName: 'Ami\u0000na' })), ['givenName']],
      ['a lone high surrogate, escaped', () => json(subjectBody()).replace('"Amina"', '"Ami\\ud800na"'), ['givenName']],
      ['a lone low surrogate at the end', () => json(subjectBody()).replace('"Haile"', '"Haile\\udc00"'), ['familyName']],
      ['NUL in a key', () => json(subjectBody()).replace('{', '{"a\\u0000":1,'), ['(a key)']],
    ])('%s → 400 REQUEST.UNSTORABLE_TEXT naming the field', async (_name, body, fields) => {
      const res = await refused(() => api.post('/subjects', body()), 400, 'REQUEST.UNSTORABLE_TEXT');
      expect(res.body.details).toEqual(fields);
      expect(JSON.stringify(res.body)).not.toContain('Ami');
    });

    it('nested: names the path (evidence.reference)', async () => {
      const body = json(consentBody({ evidence: { kind: 'written', reference: 'archive\u00002026' } }));
      const res = await refused(() => api.post(`/subjects/${subjectId}/consents`, body), 400, 'REQUEST.UNSTORABLE_TEXT');
      expect(res.body.details).toEqual(['evidence.reference']);
    });

    it('a surrogate pair (an emoji) is fine', async () => {
      expect((await api.post('/subjects', subjectBody({ givenName: 'Amina \ud83d\ude00' }))).status).toBe(201);
    });

    it('in a query parameter or a path parameter, too', async () => {
      const officer = auditClient(api, 'oslo-refugee');
      const query = await api.appendsNothing(() => officer.get('/audit/disclosures?basis=consent:a%00b'));
      expect({ status: query.status, code: query.body.error, details: query.body.details }).toEqual({ status: 400, code: 'REQUEST.UNSTORABLE_TEXT', details: ['basis'] });
      await refused(() => api.post('/subjects/%00/contacts', contactBody()), 400, 'REQUEST.UNSTORABLE_TEXT');
    });
  });

  it.each([
    ['arrays', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['objects inside a field', json(subjectBody()).replace('{', `{"x":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)},`)],
    ['33 levels', json(subjectBody()).replace('{', `{"x":${'['.repeat(32)}${']'.repeat(32)},`)],
  ])('JSON nested too deep (%s) → 400 REQUEST.TOO_DEEP', async (_name, body) => {
    await refused(() => api.post('/subjects', body), 400, 'REQUEST.TOO_DEEP');
  });

  describe('Content-Encoding and charset', () => {
    it('compress (unsupported) → 415 REQUEST.UNSUPPORTED_ENCODING', async () => {
      await refused(() => raw('/subjects', json(subjectBody()), { 'Content-Type': 'application/json', 'Content-Encoding': 'compress' }), 415, 'REQUEST.UNSUPPORTED_ENCODING');
    });
    it('gzip that is not gzip → 400 REQUEST.MALFORMED_ENCODING', async () => {
      await refused(() => raw('/subjects', 'not gzip at all', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }), 400, 'REQUEST.MALFORMED_ENCODING');
    });
    it('real gzip is accepted', async () => {
      const res = await raw('/subjects', gzipSync(json(subjectBody())), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      expect(res.status).toBe(201);
    });
    it('charset=latin1 → 415 REQUEST.UNSUPPORTED_CHARSET', async () => {
      await refused(() => raw('/subjects', json(subjectBody()), { 'Content-Type': 'application/json; charset=latin1' }), 415, 'REQUEST.UNSUPPORTED_CHARSET');
    });
    it('bytes that are not UTF-8 → 400 REQUEST.INVALID_UTF8 (not silently U+FFFD)', async () => {
      const bytes = Buffer.from(json(subjectBody({ givenName: 'AMINA' })).replace('AMINA', '\u0000'), 'utf8');
      bytes[bytes.indexOf(0)] = 0xff;
      await refused(() => raw('/subjects', bytes, { 'Content-Type': 'application/json' }), 400, 'REQUEST.INVALID_UTF8');
    });
  });

  describe('numeric query parameters take decimal digits in range only', () => {
    const bad = ['1e19', '99999999999999999999', '9007199254740993', '-1', '1.5', '0x10', '1e2', '%207', 'abc', ''];
    it.each(bad.map((v) => ['/audit/disclosures', 'after', v]).concat(bad.map((v) => ['/audit/break-glass', 'after', v]), [
      ['/audit/disclosures', 'limit', '0'], ['/audit/disclosures', 'limit', '501'], ['/audit/disclosures', 'limit', '1e2'], ['/audit/break-glass', 'limit', '-5'],
      ['/audit/disclosures', 'after[]', '1'],
    ]))('GET %s?%s=%s → 400 naming the parameter', async (path, name, value) => {
      const res = await api.appendsNothing(() => auditClient(api, 'oslo-refugee').get(`${path}?${name}=${value}`));
      expect({ status: res.status, code: res.body.error }).toEqual({ status: 400, code: 'REQUEST.INVALID' });
      expect(res.body.message).toContain(name.replace('[]', ''));
    });
    it.each([['after', '1e19'], ['after', '99999999999999999999'], ['limit', '1.5'], ['wait', '-1'], ['wait', '0x1'], ['wait', '1e1']])('GET /feed?%s=%s → 400', async (name, value) => {
      const res = await api.http.get(`/feed?${name}=${value}`).set('Authorization', `Bearer ${await api.token('oslo-refugee')}`);
      expect({ status: res.status, code: res.body.error }).toEqual({ status: 400, code: 'REQUEST.INVALID' });
      expect(res.body.message).toContain(name);
    });
    it('in range is fine', async () => {
      expect((await auditClient(api, 'oslo-refugee').get('/audit/disclosures?after=9007199254740991&limit=500')).status).toBe(200);
    });
  });

  describe('dates: YYYY-MM-DD or RFC 3339 date-time only', () => {
    it.each(['2026-W01-1', '2026-001', '2026-01', '2026', '20260101', '2026-01-01T10:00', '2026-01-01T10:00:00', '2026-01-01T10:00:00+0100', '2026-02-30', '2026-01-01 10:00:00Z'])(
      'GET /audit/disclosures?from=%s → 400 naming from', async (value) => {
        const res = await auditClient(api, 'oslo-refugee').get(`/audit/disclosures?from=${encodeURIComponent(value)}`);
        expect({ status: res.status, code: res.body.error }).toEqual({ status: 400, code: 'REQUEST.INVALID' });
        expect(res.body.message).toContain('from must be YYYY-MM-DD or an RFC 3339 date-time');
      });
    it.each(['2026-01-01', '2026-01-01T10:00:00Z', '2026-01-01T10:00:00.123+01:00'])('from=%s is fine', async (value) => {
      expect((await auditClient(api, 'oslo-refugee').get(`/audit/disclosures?from=${encodeURIComponent(value)}&to=2027-01-01`)).status).toBe(200);
    });
    it('in a body too: occurredAt 2026-001 (an ordinal date) → 400', async () => {
      await refused(() => api.post(`/subjects/${subjectId}/contacts`, contactBody({ occurredAt: '2026-001' })), 400, 'REQUEST.INVALID');
    });
  });

  it.each([
    ['__proto__ at the top', () => json(subjectBody()).replace('{', '{"__proto__":{"isAdmin":true},')],
    ['constructor at the top', () => json(subjectBody()).replace('{', '{"constructor":{"prototype":{}},')],
    ['prototype nested in a field', () => json(subjectBody({ residence: { prototype: 1 } }))],
  ])('%s → 400 REQUEST.FORBIDDEN_KEY', async (_name, body) => {
    await refused(() => api.post('/subjects', body()), 400, 'REQUEST.FORBIDDEN_KEY');
  });

  describe('endpoints that take no body refuse one', () => {
    it('POST .../acknowledgement with a body → 400 REQUEST.BODY_NOT_ALLOWED', async () => {
      await refused(() => api.post(`/referrals/${randomUUID()}/acknowledgement`, { note: 'seen' }, { as: 'oslo-health' }), 400, 'REQUEST.BODY_NOT_ALLOWED');
    });
    it('GET with a body → 400 REQUEST.BODY_NOT_ALLOWED', async () => {
      const res = await api.http.get('/feed').set('Authorization', `Bearer ${await api.token('oslo-refugee')}`).set('Content-Type', 'application/json').send('{"after":5}');
      expect({ status: res.status, code: res.body.error }).toEqual({ status: 400, code: 'REQUEST.BODY_NOT_ALLOWED' });
    });
    it('another media type → 400 REQUEST.BODY_NOT_ALLOWED', async () => {
      await refused(() => raw(`/referrals/${randomUUID()}/acknowledgement`, 'seen', { 'Content-Type': 'text/plain' }), 400, 'REQUEST.BODY_NOT_ALLOWED');
    });
    it.each([['no body', undefined], ['{}, which says nothing', {}]])('with %s, the same endpoint answers as before (404: no such referral)', async (_name, body) => {
      expect((await api.post(`/referrals/${randomUUID()}/acknowledgement`, body, { as: 'oslo-health' })).status).toBe(404);
    });
  });

  describe('other shapes', () => {
    it.each([['a bare string', '"Amina"'], ['a number', '5'], ['null', 'null'], ['truncated', '{"givenName":']])('%s as the body → 400 REQUEST.MALFORMED_JSON', async (_name, body) => {
      await refused(() => api.post('/subjects', body), 400, 'REQUEST.MALFORMED_JSON');
    });
    it('an array where an object is expected → 400 REQUEST.BODY_NOT_OBJECT', async () => {
      await refused(() => api.post('/subjects', '[{"givenName":"Amina"}]'), 400, 'REQUEST.BODY_NOT_OBJECT');
    });
    it('an array or a number where a nested object is expected → 400 REQUEST.INVALID', async () => {
      await refused(() => api.post(`/subjects/${subjectId}/consents`, consentBody({ evidence: [1, 2] })), 400, 'REQUEST.INVALID');
      await refused(() => api.post(`/subjects/${subjectId}/consents`, consentBody({ grantor: 7 })), 400, 'REQUEST.INVALID');
    });
    it('1e400 (Infinity) in a boolean field → 400 REQUEST.INVALID', async () => {
      await refused(() => api.post(`/subjects/${subjectId}/contacts`, json(contactBody()).replace('"interpreterUsed":true', '"interpreterUsed":1e400')), 400, 'REQUEST.INVALID');
    });
    it('a very long string within the body limit → 400 REQUEST.INVALID', async () => {
      await refused(() => api.post('/subjects', subjectBody({ givenName: 'x'.repeat(60_000) })), 400, 'REQUEST.INVALID');
    });
    it('an Idempotency-Key with bytes outside ASCII → 400 REQUEST.INVALID_IDEMPOTENCY_KEY', async () => {
      await refused(() => api.post('/subjects', subjectBody(), { headers: { 'Idempotency-Key': 'cl\u00e9-\u00ff' } }), 400, 'REQUEST.INVALID_IDEMPOTENCY_KEY');
    });
    it('duplicate keys: the last one counts, as in JSON.parse (no 500)', async () => {
      const body = subjectBody();
      const res = await api.post('/subjects', json(body).replace('{', '{"givenName":"First",'));
      expect(res.status).toBe(201);
      expect((await api.reveal(await api.store.readEvent(res.body.events[0].id)))?.data).toMatchObject({ givenName: 'Amina' });
    });
  });
});
