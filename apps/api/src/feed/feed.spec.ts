import { randomUUID } from 'node:crypto';
import { ApiHarness, consentBody, contactBody } from '../testing/api-harness';

describe('GET /feed on the embedded store (in-process relay)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await ApiHarness.start({ relayInProcess: true });
  }, 60_000);
  afterAll(() => api?.close());

  const feed = async (as: string, query = '') =>
    api.http.get(`/feed${query}`).set('Authorization', `Bearer ${await api.token(as)}`);

  it('long-polls until the relay delivers, then pages on with nextCursor; others see only what they are entitled to', async () => {
    const subjectId = await api.registerSubject({}, 'oslo-health');
    const asked = Date.now();
    const empty = await feed('nav-oslo', '?after=0&wait=1');
    expect({ status: empty.status, body: empty.body }).toEqual({ status: 200, body: { events: [], nextCursor: 0, head: 0 } });
    expect(Date.now() - asked).toBeGreaterThanOrEqual(950); // it waited for a delivery before answering

    const consentId = randomUUID();
    const consent = await api.post(`/subjects/${subjectId}/consents`, consentBody({ consentId, recipients: [{ agency: 'oslo-refugee' }], categories: ['health', 'contact_log'], purposes: ['follow_up'] }), { as: 'oslo-health' });
    expect(consent.status).toBe(201);
    const waiting = feed('oslo-refugee', '?wait=10');
    const contact = await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['contact_log', 'health'] }), { as: 'oslo-health' });
    expect(contact.status).toBe(201);
    const first = await waiting;
    expect(first.status).toBe(200);
    expect(first.body.events[0]).toMatchObject({ id: consent.body.events[0].id, type: 'no.samhandling.ConsentGiven.v1', subject: subjectId, basis: [`consent:${consentId}`] });

    let events = first.body.events;
    let cursor = first.body.nextCursor;
    while (events.length < 2) {
      const next = await feed('oslo-refugee', `?after=${cursor}&wait=10&limit=1`);
      events = [...events, ...next.body.events];
      cursor = next.body.nextCursor;
    }
    expect(events.map((e: { id: string }) => e.id)).toEqual([consent.body.events[0].id, contact.body.events[0].id]);
    // head is the newest delivery's cursor: a reader that reached it is caught up.
    const end = await feed('oslo-refugee', `?after=${cursor}`);
    expect(end.body).toEqual({ events: [], nextCursor: cursor, head: cursor });
    expect((await feed('oslo-refugee', '?limit=1')).body.head).toBe(cursor);
    expect(events[1]).toMatchObject({ categories: ['contact_log', 'health'], basis: [`consent:${consentId}`], disclosureid: expect.any(String) });

    // The owner sees its own records; NAV, with no basis, sees none of this person's.
    const own = await feed('oslo-health', '?limit=500');
    expect(own.body.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['no.samhandling.SubjectRegistered.v1', 'no.samhandling.ContactRecorded.v1']));
    expect((await feed('nav-oslo')).body.events.filter((e: { subject: string }) => e.subject === subjectId)).toEqual([]);
  }, 60_000);

  it('refuses a bad cursor, limit or wait with 400 and says which', async () => {
    for (const [query, problem] of [['?after=abc', /after must be a whole number/], ['?limit=0', /limit must be at least 1/], ['?limit=501', /limit must be at most 500/], ['?wait=31', /wait must be at most 30/], ['?after=-1', /after must be a whole number/], ['?since=3', /property since should not exist/]] as const) {
      const res = await feed('oslo-health', query);
      expect({ query, status: res.status, error: res.body.error }).toEqual({ query, status: 400, error: 'REQUEST.INVALID' });
      expect(res.body.message).toMatch(problem);
    }
  });

  it('needs a token like every route', async () => {
    const res = await api.http.get('/feed');
    expect(res.status).toBe(401);
  });
});
