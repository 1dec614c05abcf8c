import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { loadConfig } from '../config/app-config';
import { ApiHarness, subjectBody } from '../../testing/api-harness';

/**
 * The identity-provider contract of docs/identity-provider.md, against a JWKS endpoint this test
 * serves itself: keys rotate with an overlap, a retired key stops working once the cached set
 * expires, algorithm confusion is refused, and an unreachable provider is a 503, not a 401.
 */
describe('identity provider: tokens verified against a JWKS endpoint', () => {
  const issuer = 'https://idp.example.test/realms/samhandling';
  const audience = 'samhandling-api';
  let published: JWK[] = [];
  let fetches = 0;
  let idp: Server;
  let jwksUrl: string;
  let api: ApiHarness;
  let keyA: { privateKey: KeyLike; publicJwk: JWK };
  let keyB: { privateKey: KeyLike; publicJwk: JWK };

  const makeKey = async (alg: 'ES256' | 'RS256', kid: string) => {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), alg, kid, use: 'sig' } };
  };

  const sign = (key: { privateKey: KeyLike | Uint8Array; publicJwk: { alg?: string; kid?: string } }, claims: Record<string, unknown> = {}, alg = key.publicJwk.alg!) =>
    new SignJWT({ agency: 'oslo-refugee', roles: ['caseworker'], ...claims })
      .setProtectedHeader({ alg, kid: key.publicJwk.kid })
      .setSubject('idp-user-42')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key.privateKey);

  const register = (token: string) => api.http.post('/subjects').set('Authorization', `Bearer ${token}`).send(subjectBody());

  /** Polls until `check` holds, for at most `ms`: the key-set cache expires on its own clock. */
  async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not reached before the deadline');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    keyA = await makeKey('ES256', 'key-2026-a');
    keyB = await makeKey('RS256', 'key-2026-b');
    published = [keyA.publicJwk];
    idp = createServer((req, res) => {
      if (req.url !== '/jwks.json') { res.writeHead(404).end(); return; }
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/jwks.json`;
    api = await ApiHarness.start({
      env: { JWT_JWKS_URL: jwksUrl, JWT_ISSUER: issuer, JWT_AUDIENCE: audience, JWT_JWKS_CACHE_MAX_AGE_MS: '300', JWT_JWKS_COOLDOWN_MS: '0', JWT_JWKS_TIMEOUT_MS: '1000' },
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    idp?.closeAllConnections();
    await new Promise((r) => idp?.close(r));
  });

  it('a token signed with the published key is accepted, its agency, subject and roles taken from the claims', async () => {
    const res = await register(await sign(keyA));
    expect(res.status).toBe(201);
    const [event] = (await api.allEvents()).slice(-1);
    expect(event.metadata).toMatchObject({ agency: 'oslo-refugee', actor: 'idp-user-42' });
    expect(fetches).toBeGreaterThanOrEqual(1);
  });

  it('rotation: a new key published beside the old is fetched on first sight of its kid; both work during the overlap', async () => {
    published = [keyA.publicJwk, keyB.publicJwk];
    const before = fetches;
    expect((await register(await sign(keyB))).status).toBe(201);
    expect(fetches).toBeGreaterThan(before);
    expect((await register(await sign(keyA))).status).toBe(201);
  });

  it('a retired key stops working once the cached key set expires', async () => {
    published = [keyB.publicJwk];
    await eventually(async () => (await register(await sign(keyA))).status === 401);
    const res = await register(await sign(keyA));
    expect(res.body).toMatchObject({ error: 'AUTH.INVALID_TOKEN' });
    expect((await register(await sign(keyB))).status).toBe(201);
  });

  it('algorithm confusion is refused: HS256 with the public key as secret, and alg none', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(keyB.publicJwk));
    const hs = await sign({ privateKey: secret, publicJwk: { kid: keyB.publicJwk.kid } }, {}, 'HS256');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: keyB.publicJwk.kid })).toString('base64url')}.${Buffer.from(JSON.stringify({ agency: 'oslo-refugee', sub: 'x', iss: issuer, aud: audience, exp: 9_999_999_999 })).toString('base64url')}.`;
    for (const token of [hs, none]) {
      const res = await api.appendsNothing(() => register(token));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'AUTH.INVALID_TOKEN' });
    }
  });

  it.each([
    ['no agency claim', { agency: undefined }],
    ['an agency the directory does not know', { agency: 'evil-corp' }],
    ['roles that are not a list of strings', { roles: 'privacy-officer' }],
  ])('a correctly signed token with %s → 401, nothing appended', async (_, claims) => {
    const res = await api.appendsNothing(async () => register(await sign(keyB, claims)));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'AUTH.INVALID_TOKEN' });
  });

  it('an unreachable identity provider is 503 AUTH.IDP_UNAVAILABLE (retry later), not a 401 that blames the token', async () => {
    idp.closeAllConnections();
    await new Promise((r) => idp.close(r));
    let last: unknown;
    await eventually(async () => { const r = await register(await sign(keyB)); last = [r.status, r.body]; return r.status === 503; }, 8_000).catch((e) => { throw new Error(`${e}: last answer ${JSON.stringify(last)}`); });
    const res = await api.appendsNothing(async () => register(await sign(keyB)));
    expect(res.body).toMatchObject({ statusCode: 503, error: 'AUTH.IDP_UNAVAILABLE' });
  }, 20_000);
});

describe('identity provider settings', () => {
  it('refuses a shared-secret or unknown algorithm in JWT_ALGORITHMS at start-up', () => {
    expect(() => loadConfig({ JWT_JWKS_URL: 'https://idp.example.test/jwks', JWT_ALGORITHMS: 'RS256,HS256' })).toThrow(/asymmetric.*HS256/);
    expect(() => loadConfig({ JWT_ALGORITHMS: 'none' })).toThrow(/none/);
  });

  it('refuses a JWKS URL that is not http(s)', () => {
    expect(() => loadConfig({ JWT_JWKS_URL: 'file:///etc/passwd' })).toThrow(/https/);
  });

  it('defaults: any asymmetric algorithm with a JWKS, EdDSA for the local key', () => {
    expect(loadConfig({ JWT_JWKS_URL: 'https://idp.example.test/jwks' }).token.algorithms).toEqual(expect.arrayContaining(['RS256', 'ES256', 'EdDSA', 'PS256']));
    expect(loadConfig({}).token.algorithms).toEqual(['EdDSA']);
  });
});
