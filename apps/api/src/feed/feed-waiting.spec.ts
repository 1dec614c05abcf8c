import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiHarness } from '../testing/api-harness';
import { WaitingSlots } from './waiting-slots';

const CAP = 2;

describe('GET /feed?wait: a cap on the long-polls one agency holds open', () => {
  let api: ApiHarness;
  let base: string;
  let slots: WaitingSlots;

  beforeAll(async () => {
    // No relay: nothing is ever delivered, so every long-poll waits its full time unless ended.
    api = await ApiHarness.start({ env: { FEED_MAX_WAITING_PER_AGENCY: String(CAP) } });
    await api.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    slots = api.app.get(WaitingSlots);
  }, 60_000);
  const controllers: AbortController[] = [];
  afterAll(async () => {
    for (const c of controllers) c.abort();
    await api?.close();
  }, 30_000);

  const feed = async (as: string, query: string) => {
    const controller = new AbortController();
    controllers.push(controller);
    return fetch(`${base}/feed${query}`, { headers: { Authorization: `Bearer ${await api.token(as)}` }, signal: controller.signal });
  };
  /** A request the test ends by going away, as a client would. */
  const abandonable = (as: string, query: string) => {
    const sent = feed(as, query).then(() => 'answered', (e: Error) => e.name);
    const controller = controllers[controllers.length - 1];
    return { abandon: async () => { controller.abort(); return sent; } };
  };

  /** Polls with a deadline until the agency holds `n` waiting requests. */
  const holding = async (agency: string, n: number) => {
    const deadline = Date.now() + 10_000;
    while (slots.held(agency) !== n) {
      if (Date.now() > deadline) throw new Error(`${agency} holds ${slots.held(agency)} waiting requests, expected ${n}`);
      await sleep(10);
    }
  };

  it('refuses one wait beyond the cap with 429 and Retry-After, serves other agencies fast, and frees slots on disconnect and on answer', async () => {
    const abandoned = abandonable('oslo-health', '?wait=30');
    // Long enough to outlast the checks below even on a busy machine, short enough to be waited out.
    const short = feed('oslo-health', '?wait=6');
    await holding('oslo-health', CAP);

    const asked = Date.now();
    const refused = await feed('oslo-health', '?wait=30');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({ statusCode: 429, error: 'FEED.TOO_MANY_WAITING', message: expect.stringContaining(`already has ${CAP} feed requests waiting`) });
    expect(Date.now() - asked).toBeLessThan(2_000); // answered at once, not after waiting

    // A read that does not wait needs no slot; another agency is served at once and may wait itself.
    expect((await feed('oslo-health', '?wait=0')).status).toBe(200);
    const otherAsked = Date.now();
    expect((await feed('nav-oslo', '')).status).toBe(200);
    expect(Date.now() - otherAsked).toBeLessThan(1_000);
    const otherWaits = abandonable('nav-oslo', '?wait=30');
    await holding('nav-oslo', 1);

    // The client that gave up frees its slot without waiting out its 30 seconds.
    expect(await abandoned.abandon()).toBe('AbortError');
    await holding('oslo-health', CAP - 1);
    // The one answered at its deadline frees its slot too; then the agency may wait again.
    expect((await short).status).toBe(200);
    await holding('oslo-health', 0);
    const again = await feed('oslo-health', '?wait=1');
    expect([again.status, await again.json()]).toEqual([200, { events: [], nextCursor: 0, head: 0 }]);

    expect(await otherWaits.abandon()).toBe('AbortError');
    await holding('nav-oslo', 0);
  }, 30_000);
});
