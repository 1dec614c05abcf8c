import { ApiHarness, contactBody } from '../../testing/api-harness';

describe('security and cache headers (API over PGlite)', () => {
  let api: ApiHarness;
  let behindProxy: ApiHarness;

  beforeAll(async () => {
    api = await ApiHarness.start();
    behindProxy = await ApiHarness.start({ env: { TRUST_PROXY: 'loopback' } });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await behindProxy?.close();
  });

  const get = async (harness: ApiHarness, path: string, headers: Record<string, string> = {}) =>
    harness.http.get(path).set({ Authorization: `Bearer ${await harness.token('oslo-health')}`, ...headers });

  it('answers every API call with nosniff, no framing and no-store: a projection read, the feed, a command, an error', async () => {
    const subjectId = await api.registerSubject({}, 'oslo-health');
    const command = await api.post(`/subjects/${subjectId}/contacts`, contactBody(), { as: 'oslo-health' });
    const read = await get(api, `/subjects/${subjectId}/projections/person-overview?purpose=care`);
    const feed = await get(api, '/feed');
    const refused = await api.http.get('/audit/verify');
    const invalid = await api.post('/subjects', '{"not json', { as: 'oslo-health' });
    expect([command.status, read.status, feed.status, refused.status, invalid.status]).toEqual([201, 200, 200, 401, 400]);
    for (const res of [command, read, feed, refused, invalid]) {
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
        pragma: 'no-cache',
      });
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('serves Swagger UI from this server under a policy that allows it and nothing from elsewhere', async () => {
    const page = await api.http.get('/docs');
    expect(page.status).toBe(200);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https:|http:|\*/);
    // No inline script the policy would block: every script is a file of ours, and it loads.
    const html = page.text;
    expect(html).not.toMatch(/<script>(?!\s*<\/script>)/);
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => new URL(m[1], 'http://api/docs').pathname);
    const styles = [...html.matchAll(/<link[^>]+href="([^"]+\.css)"/g)].map((m) => new URL(m[1], 'http://api/docs').pathname);
    expect([...scripts, ...styles]).toEqual(expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js', '/docs/swagger-ui.css']));
    for (const src of [...scripts, ...styles]) {
      const asset = await api.http.get(src);
      expect({ src, status: asset.status }).toEqual({ src, status: 200 });
      expect(asset.headers['cache-control']).not.toBe('no-store');
    }
    expect((await api.http.get('/docs/openapi.json')).body.info.title).toBe('Samhandling API');
  });

  it('sends Strict-Transport-Security only for HTTPS callers, as told by a trusted proxy (TRUST_PROXY)', async () => {
    const viaTls = await get(behindProxy, '/feed', { 'X-Forwarded-Proto': 'https' });
    expect(viaTls.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect((await get(behindProxy, '/feed')).headers['strict-transport-security']).toBeUndefined();
    // Without TRUST_PROXY the forwarded header is anyone's claim and is not believed.
    expect((await get(api, '/feed', { 'X-Forwarded-Proto': 'https' })).headers['strict-transport-security']).toBeUndefined();
  });
});
