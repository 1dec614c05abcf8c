import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { TOKEN_ALG, mintToken } from './platform/auth/local-keys';
import { ApiHarness, subjectBody } from './testing/api-harness';

describe('HTTP API: authentication and public documents', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await ApiHarness.start();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  /** POSTs a valid registration with the given Authorization header (or none) and expects 401 and no append. */
  async function rejected(authorization: string | undefined, code: string) {
    const res = await api.appendsNothing(async () => {
      let req = api.http.post('/subjects').send(subjectBody());
      if (authorization !== undefined) req = req.set('Authorization', authorization);
      return req;
    });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, error: code });
    expect(typeof res.body.message).toBe('string');
    return res;
  }

  const sign = async (claims: Record<string, unknown>, options: { exp?: string | number; issuer?: string; audience?: string; key?: Parameters<SignJWT['sign']>[0] } = {}) => {
    const key = options.key ?? (await importJWK(api.keys.privateJwk, TOKEN_ALG));
    return new SignJWT({ roles: [], ...claims })
      .setProtectedHeader({ alg: TOKEN_ALG, kid: 'local-1' })
      .setSubject('caseworker-1')
      .setIssuer(options.issuer ?? api.config.jwtIssuer)
      .setAudience(options.audience ?? api.config.jwtAudience)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '1h')
      .sign(key);
  };

  it('a valid token is accepted (control for the cases below)', async () => {
    const res = await api.http.post('/subjects').set('Authorization', `Bearer ${await sign({ agency: 'oslo-refugee' })}`).send(subjectBody());
    expect(res.status).toBe(201);
  });

  it('no Authorization header → 401 AUTH.MISSING_TOKEN', async () => {
    const res = await rejected(undefined, 'AUTH.MISSING_TOKEN');
    expect(res.body.message).toMatch(/Bearer/);
  });

  it.each([
    ['another scheme', 'Basic b3Nsby1yZWZ1Z2VlOnNlY3JldA=='],
    ['Bearer without a token', 'Bearer'],
    ['Bearer with two tokens', 'Bearer a b'],
  ])('malformed Authorization header (%s) → 401 AUTH.MISSING_TOKEN', async (_, header) => {
    await rejected(header, 'AUTH.MISSING_TOKEN');
  });

  it('a bearer value that is not a JWT → 401 AUTH.INVALID_TOKEN', async () => {
    await rejected('Bearer not-a-jwt', 'AUTH.INVALID_TOKEN');
  });

  it('a token signed with a different key → 401 AUTH.INVALID_TOKEN', async () => {
    const { privateKey } = await generateKeyPair(TOKEN_ALG, { crv: 'Ed25519', extractable: true });
    const foreign = await mintToken({ ...(await exportJWK(privateKey)), alg: TOKEN_ALG, kid: 'local-1' }, { agency: 'oslo-refugee', actor: 'mallory' }, {
      issuer: api.config.jwtIssuer, audience: api.config.jwtAudience,
    });
    await rejected(`Bearer ${foreign}`, 'AUTH.INVALID_TOKEN');
  });

  it('a tampered token (payload changed after signing) → 401 AUTH.INVALID_TOKEN', async () => {
    const [header, , signature] = (await api.token('oslo-refugee')).split('.');
    const payload = Buffer.from(JSON.stringify({ agency: 'imdi', sub: 'x', iss: api.config.jwtIssuer, aud: api.config.jwtAudience, exp: 9_999_999_999 })).toString('base64url');
    await rejected(`Bearer ${header}.${payload}.${signature}`, 'AUTH.INVALID_TOKEN');
  });

  it('an expired token → 401 AUTH.INVALID_TOKEN', async () => {
    const expired = await mintToken(api.keys.privateJwk, { agency: 'oslo-refugee', actor: 'caseworker-1' }, {
      issuer: api.config.jwtIssuer, audience: api.config.jwtAudience, expiresIn: '-1h',
    });
    const res = await rejected(`Bearer ${expired}`, 'AUTH.INVALID_TOKEN');
    expect(res.body.message).toMatch(/exp/);
    // The same with an explicit past timestamp.
    await rejected(`Bearer ${await sign({ agency: 'oslo-refugee' }, { exp: Math.floor(Date.now() / 1000) - 60 })}`, 'AUTH.INVALID_TOKEN');
  });

  it('a token for an agency not in the directory → 401 AUTH.INVALID_TOKEN', async () => {
    const res = await rejected(`Bearer ${await api.token('trondheim-health')}`, 'AUTH.INVALID_TOKEN');
    expect(res.body.message).toMatch(/agency/);
  });

  it('a token naming no agency at all → 401 AUTH.INVALID_TOKEN', async () => {
    await rejected(`Bearer ${await sign({})}`, 'AUTH.INVALID_TOKEN');
  });

  it('a token for another audience → 401 AUTH.INVALID_TOKEN', async () => {
    const res = await rejected(`Bearer ${await sign({ agency: 'oslo-refugee' }, { audience: 'some-other-api' })}`, 'AUTH.INVALID_TOKEN');
    expect(res.body.message).toMatch(/aud/);
  });

  it('a token from another issuer → 401 AUTH.INVALID_TOKEN', async () => {
    await rejected(`Bearer ${await sign({ agency: 'oslo-refugee' }, { issuer: 'someone-else' })}`, 'AUTH.INVALID_TOKEN');
  });

  it('every command endpoint is closed without a token, not only POST /subjects', async () => {
    const id = '5b0c2f5e-7c55-4f5b-9a57-6f8c0d7c2a11';
    const paths = [
      `/subjects/${id}/residence`, `/subjects/${id}/household`, `/subjects/${id}/contacts`, `/subjects/${id}/consents`,
      `/subjects/${id}/consents/${id}/withdrawal`, '/referrals', `/referrals/${id}/acknowledgement`, `/referrals/${id}/acceptance`,
      `/referrals/${id}/decline`, `/referrals/${id}/completion`, `/referrals/${id}/re-referral`, `/subjects/${id}/coordinator`,
    ];
    await api.appendsNothing(async () => {
      for (const path of paths) {
        const res = await api.post(path, {}, { as: null });
        expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 401, error: 'AUTH.MISSING_TOKEN' });
      }
    });
  });

  it('GET /health is public', async () => {
    const res = await api.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', store: 'ok' });
  });

  it('GET /docs/openapi.json is public, lists every command path and a bearer security scheme', async () => {
    const res = await api.http.get('/docs/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as { paths: Record<string, Record<string, { security?: unknown[] }>>; components: { securitySchemes?: Record<string, { type: string; scheme?: string }> } };
    const commandPaths = [
      '/subjects', '/subjects/{subjectId}/residence', '/subjects/{subjectId}/household', '/subjects/{subjectId}/contacts',
      '/subjects/{subjectId}/consents', '/subjects/{subjectId}/consents/{consentId}/withdrawal', '/referrals',
      '/referrals/{referralId}/acknowledgement', '/referrals/{referralId}/acceptance', '/referrals/{referralId}/decline',
      '/referrals/{referralId}/completion', '/referrals/{referralId}/re-referral', '/subjects/{subjectId}/coordinator',
    ];
    for (const path of commandPaths) {
      expect({ path, post: doc.paths[path]?.post !== undefined }).toEqual({ path, post: true });
      expect(doc.paths[path].post.security).toEqual(expect.arrayContaining([expect.objectContaining({ bearer: [] })]));
    }
    expect(Object.values(doc.components.securitySchemes ?? {})).toContainEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
  });
});
