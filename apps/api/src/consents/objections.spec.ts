import { randomUUID } from 'node:crypto';
import { parseInboxMessage, toBusMessage } from '../inbox/inbox-message';
import { validationPipe } from '../app.module';
import { ApiHarness, consentBody, contactBody } from '../testing/api-harness';

/**
 * RecordObjection: the person objects to sharing through whichever service they are talking to.
 * It is recorded as a deny consent, takes effect at once over every permit, and holds until withdrawn.
 */
describe('RecordObjection (API over PGlite, and its inbox twin)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start();
  }, 60_000);
  afterAll(() => api?.close());

  const read = async (as: string, subjectId: string) =>
    api.http.get(`/subjects/${subjectId}/projections/contact-history?purpose=follow_up`).set('Authorization', `Bearer ${await api.token(as)}`);
  const objection = (overrides: Record<string, unknown> = {}) => ({
    objectionId: randomUUID(), grantor: { kind: 'self' }, recipients: [{ agency: 'oslo-refugee' }], categories: ['contact_log', 'health'],
    purposes: ['follow_up'], evidence: { kind: 'verbal', reference: 'told at the front desk' }, interpreterUsed: false, ...overrides,
  });

  it('recorded by a service with nothing else to do with the person, closes what a permit had opened, until it is withdrawn', async () => {
    const subjectId = await api.registerSubject({}, 'oslo-health');
    expect((await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['contact_log', 'health'], summary: 'Follow-up visit' }), { as: 'oslo-health' })).status).toBe(201);
    const permit = consentBody({ recipients: [{ agency: 'oslo-refugee' }], categories: ['contact_log', 'health'], purposes: ['follow_up'] });
    expect((await api.post(`/subjects/${subjectId}/consents`, permit, { as: 'oslo-health' })).status).toBe(201);
    expect((await read('oslo-refugee', subjectId)).status).toBe(200);

    const body = objection();
    const recorded = await api.post(`/subjects/${subjectId}/objections`, body, { as: 'nav-oslo' });
    expect(recorded.status).toBe(201);
    expect(recorded.body.events).toEqual([expect.objectContaining({ type: 'ConsentGiven' })]);
    const event = (await api.allEvents()).find((e) => e.id === recorded.body.events[0].id)!;
    expect(event.data).toMatchObject({ consentId: body.objectionId, decision: 'deny', subjectId, recordedBy: 'nav-oslo', recipients: [{ agency: 'oslo-refugee' }] });
    expect(Date.parse(String(event.data.validFrom))).toBeLessThanOrEqual(Date.now());

    const closed = await read('oslo-refugee', subjectId);
    expect({ status: closed.status, error: closed.body.error }).toEqual({ status: 403, error: 'POLICY.DENIED' });
    expect(JSON.stringify(closed.body)).not.toContain('Follow-up visit');

    // The person changes their mind: the objection is withdrawn like any consent, by its recorder.
    expect((await api.post(`/subjects/${subjectId}/consents/${body.objectionId}/withdrawal`, { reason: 'changed my mind' }, { as: 'nav-oslo' })).status).toBe(201);
    expect((await read('oslo-refugee', subjectId)).status).toBe(200);
  }, 60_000);

  it('cannot be turned into a permit, and refuses what an objection does not take', async () => {
    const subjectId = await api.registerSubject({}, 'oslo-health');
    for (const extra of [{ decision: 'permit' }, { validUntil: '2030-01-01' }, { consentId: randomUUID() }]) {
      const res = await api.appendsNothing(() => api.post(`/subjects/${subjectId}/objections`, objection(extra), { as: 'oslo-health' }));
      expect({ extra, status: res.status, error: res.body.error }).toEqual({ extra, status: 400, error: 'REQUEST.INVALID' });
    }
    const missing = await api.appendsNothing(() => api.post(`/subjects/${subjectId}/objections`, objection({ evidence: undefined }), { as: 'oslo-health' }));
    expect(missing.status).toBe(400);
    const unknown = await api.appendsNothing(() => api.post(`/subjects/${randomUUID()}/objections`, objection(), { as: 'oslo-health' }));
    expect(unknown.status).toBe(404);
  }, 60_000);

  it('arrives through the inbox too, as the same deny consent', async () => {
    const subjectId = randomUUID();
    const body = objection();
    const message = Buffer.from(JSON.stringify({ id: 'm-1', type: 'RecordObjection', actor: 'kari', data: { ...body, subjectId } }));
    const bus = toBusMessage(await parseInboxMessage(message, validationPipe), 'nav-oslo') as { command: { type: string; data: Record<string, unknown> } };
    expect(bus.command).toMatchObject({ type: 'GiveConsent', data: { consentId: body.objectionId, decision: 'deny', subjectId, categories: ['contact_log', 'health'] } });
  });
});
