import { ApiHarness } from '../../testing/api-harness';
import { loadConfig } from '../config/app-config';

const LIMIT = 5;

describe('rate limit per agency (API over PGlite)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await ApiHarness.start({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
  }, 60_000);
  afterAll(() => api?.close());

  const get = async (path: string, as: string) => api.http.get(path).set('Authorization', `Bearer ${await api.token(as)}`);

  it('answers 429 RATE_LIMITED with Retry-After once one agency spends its budget, across routes, while another agency is still served', async () => {
    const paths = ['/feed', '/referral-board', '/feed', '/referral-board', '/feed'];
    for (const path of paths) expect((await get(path, 'oslo-health')).status).toBe(200);

    const limited = await get('/feed', 'oslo-health');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ statusCode: 429, error: 'RATE_LIMITED', message: expect.stringContaining(`more than ${LIMIT} requests in a minute`) });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Commands count too, and are refused before they change anything.
    expect((await api.appendsNothing(() => api.post('/subjects', {}, { as: 'oslo-health' }))).status).toBe(429);
    // Another actor of the same agency shares the agency's budget.
    expect((await api.http.get('/feed').set('Authorization', `Bearer ${await api.token('oslo-health', 'someone-else@oslo-health')}`)).status).toBe(429);

    const other = await get('/feed', 'nav-oslo');
    expect(other.status).toBe(200);
    expect(other.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1));
    // Health is for probes, not an agency's budget.
    expect((await api.http.get('/health')).status).toBe(200);
  });

  it('is generous by default, can be switched off with 0, and refuses a value that is not a number', () => {
    expect(loadConfig({}).http.rateLimitPerMinute).toBe(1200);
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }).http.rateLimitPerMinute).toBe(0);
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow('RATE_LIMIT_PER_MINUTE must be a whole number');
    expect(() => loadConfig({ FEED_MAX_WAITING_PER_AGENCY: '0' })).toThrow('FEED_MAX_WAITING_PER_AGENCY must be a whole number');
  });
});
