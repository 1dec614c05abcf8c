import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { ApiHarness, consentBody, contactBody, referralBody, subjectBody } from './testing/api-harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe('HTTP API: commands', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await ApiHarness.start();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const expectCreated = (res: Response, streamId: string, types: string[]) => {
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201, body: { streamId } });
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual(types);
    expect(res.headers.etag).toBe(`"${res.body.nextRevision}"`);
    return res.body as { streamId: string; nextRevision: number; position: number; events: Array<{ id: string; type: string }>; replayed: boolean };
  };

  const lastEvent = async (streamId: string) => {
    const events = await api.reveal(await api.store.readStream(streamId));
    return events[events.length - 1];
  };

  describe('a walk through the happy path', () => {
    const subjectId = randomUUID();
    const consentId = randomUUID();

    it('registers a subject: 201, stream, revision, position, event ids, ETag "0"', async () => {
      const before = await api.eventCount();
      const res = await api.post('/subjects', subjectBody({ subjectId, nationalId: '01019012345' }), { as: 'oslo-refugee', actor: 'kari.nordmann' });
      const body = expectCreated(res, `subject-${subjectId}`, ['SubjectRegistered']);
      expect(res.headers.etag).toBe('"0"');
      expect(body).toEqual({
        streamId: `subject-${subjectId}`, nextRevision: 0, position: before + 1,
        events: [{ id: expect.stringMatching(UUID), type: 'SubjectRegistered' }], replayed: false,
      });
      const sealed = await api.store.readEvent(body.events[0].id);
      // In the log the person's name, birth date and national id are sealed with their key (libs/privacy).
      expect(sealed?.data).toMatchObject({ subjectId, givenName: expect.stringMatching(/^enc:v1:/), nationalId: expect.stringMatching(/^enc:v1:/), registeredBy: 'oslo-refugee' });
      const stored = await api.reveal(sealed);
      expect(stored).toMatchObject({
        streamId: `subject-${subjectId}`, revision: 0, position: body.position, type: 'SubjectRegistered',
        data: { subjectId, givenName: 'Amina', familyName: 'Haile', birthDate: '1990-04-30', nationalId: '01019012345', registeredBy: 'oslo-refugee' },
        metadata: { agency: 'oslo-refugee', actor: 'kari.nordmann', command: 'RegisterSubject' },
      });
    });

    it('records a contact by oslo-refugee with the calling agency and token subject in the metadata', async () => {
      const contact = contactBody();
      const res = await api.post(`/subjects/${subjectId}/contacts`, contact, { as: 'oslo-refugee', actor: 'kari.nordmann', headers: { 'X-Correlation-Id': 'corr-123' } });
      const body = expectCreated(res, `contact-${contact.contactId}`, ['ContactRecorded']); // a stream per contact
      expect(body.nextRevision).toBe(0);
      const stored = await api.store.readEvent(body.events[0].id);
      expect(stored?.metadata).toMatchObject({ agency: 'oslo-refugee', actor: 'kari.nordmann', command: 'RecordContact', correlationId: 'corr-123' });
      expect(stored?.data).toMatchObject({
        contactId: contact.contactId, subjectId, agency: 'oslo-refugee', actor: 'kari.nordmann', channel: 'in_person',
        categories: ['contact_log', 'health'], interpreterUsed: true, interpreterLanguage: 'ti',
      });
    });

    it('records the consent the person gives, then its withdrawal', async () => {
      const given = await api.post(`/subjects/${subjectId}/consents`, consentBody({ consentId }), { as: 'oslo-refugee' });
      expectCreated(given, `consent-${subjectId}`, ['ConsentGiven']);
      expect((await lastEvent(`consent-${subjectId}`)).data).toMatchObject({
        consentId, subjectId, decision: 'permit', recipients: [{ agency: 'oslo-health' }, { agencyKind: 'adult_learning' }], recordedBy: 'oslo-refugee',
      });

      const withdrawn = await api.post(`/subjects/${subjectId}/consents/${consentId}/withdrawal`, { reason: 'The person asked us to stop sharing' }, { as: 'oslo-refugee' });
      const body = expectCreated(withdrawn, `consent-${subjectId}`, ['ConsentWithdrawn']);
      expect(body.nextRevision).toBe(1);
      expect((await lastEvent(`consent-${subjectId}`)).data).toMatchObject({ consentId, reason: 'The person asked us to stop sharing', withdrawnBy: 'oslo-refugee' });
    });

    it('a withdrawal may come without a body', async () => {
      const otherConsent = randomUUID();
      expectCreated(await api.post(`/subjects/${subjectId}/consents`, consentBody({ consentId: otherConsent }), { as: 'oslo-health' }), `consent-${subjectId}`, ['ConsentGiven']);
      expectCreated(await api.post(`/subjects/${subjectId}/consents/${otherConsent}/withdrawal`, undefined, { as: 'oslo-health' }), `consent-${subjectId}`, ['ConsentWithdrawn']);
    });

    it('a referral from oslo-adult-learning to oslo-health is acknowledged, accepted and completed by oslo-health', async () => {
      const referral = referralBody(subjectId, { basis: { kind: 'consent', consentId } });
      const referralId = referral.referralId as string;
      const stream = `referral-${referralId}`;
      const sent = await api.post('/referrals', referral, { as: 'oslo-adult-learning', actor: 'teacher-1' });
      expectCreated(sent, stream, ['ReferralSent']);
      expect((await lastEvent(stream))).toMatchObject({
        data: { referralId, subjectId, from: 'oslo-adult-learning', to: 'oslo-health', basis: { kind: 'consent', consentId }, sentBy: 'teacher-1' },
        metadata: { agency: 'oslo-adult-learning', actor: 'teacher-1' },
      });

      const ack = await api.post(`/referrals/${referralId}/acknowledgement`, undefined, { as: 'oslo-health' });
      expect(expectCreated(ack, stream, ['ReferralAcknowledged']).nextRevision).toBe(1);
      const accept = await api.post(`/referrals/${referralId}/acceptance`, { note: 'GP appointment booked' }, { as: 'oslo-health' });
      expect(expectCreated(accept, stream, ['ReferralAccepted']).nextRevision).toBe(2);
      const complete = await api.post(`/referrals/${referralId}/completion`, { outcome: 'Assessed; follow-up with the GP' }, { as: 'oslo-health', actor: 'gp-1' });
      expect(expectCreated(complete, stream, ['ReferralCompleted']).nextRevision).toBe(3);

      const events = await api.reveal(await api.store.readStream(stream));
      expect(events.map((e) => [e.type, e.metadata.agency])).toEqual([
        ['ReferralSent', 'oslo-adult-learning'], ['ReferralAcknowledged', 'oslo-health'], ['ReferralAccepted', 'oslo-health'], ['ReferralCompleted', 'oslo-health'],
      ]);
      expect(events[3].data).toMatchObject({ outcome: 'Assessed; follow-up with the GP', by: 'oslo-health', actor: 'gp-1' });
    });

    it('a referral on a legal basis; accepting straight away records the acknowledgement too', async () => {
      const referral = referralBody(subjectId, { basis: { kind: 'legal', entryId: 'pa-13b-5' } });
      expectCreated(await api.post('/referrals', referral, { as: 'oslo-adult-learning' }), `referral-${referral.referralId}`, ['ReferralSent']);
      expect((await lastEvent(`referral-${referral.referralId}`)).data.basis).toEqual({ kind: 'legal', entryId: 'pa-13b-5' });
      const accept = await api.post(`/referrals/${referral.referralId}/acceptance`, {}, { as: 'oslo-health' });
      expectCreated(accept, `referral-${referral.referralId}`, ['ReferralAcknowledged', 'ReferralAccepted']);
    });

    it('imdi grants residence with family reunification (sponsor registered first), linking the household in the same step', async () => {
      const sponsorId = await api.registerSubject({ givenName: 'Yonas' });
      const granted = await api.post(`/subjects/${subjectId}/residence`, { familyReunification: true, sponsorId, relationToSponsor: 'spouse', municipality: '0301', grantedOn: '2026-11-01' }, { as: 'imdi' });
      const body = expectCreated(granted, `subject-${subjectId}`, ['ResidenceGranted', 'HouseholdLinked', 'ArrivalNotice']);
      expect(body.nextRevision).toBe(3);
      const events = (await api.allEvents()).filter((e) => e.streamId === `subject-${subjectId}`);
      expect(events[1]).toMatchObject({
        type: 'ResidenceGranted', data: { subjectId, familyReunification: true, sponsorId, municipality: '0301', grantedOn: '2026-11-01', recordedBy: 'imdi' },
        metadata: { agency: 'imdi' },
      });
      expect(events[2].data).toMatchObject({ subjectId, memberId: sponsorId, relation: 'spouse', linkedBy: 'imdi' });
      // Linking the same member again by hand is refused: the household already holds them.
      const again = await api.post(`/subjects/${subjectId}/household`, { memberId: sponsorId, relation: 'spouse' }, { as: 'imdi' });
      expect({ status: again.status, error: again.body.error }).toEqual({ status: 409, error: 'SUBJECT.ALREADY_LINKED' });
    });
  });

  describe('bad input appends nothing and says what was wrong', () => {
    let subjectId: string;
    beforeAll(async () => {
      subjectId = await api.registerSubject();
    });

    /** Sends the request, asserts status, code and an unchanged log; returns the response. */
    async function refused(send: () => Promise<Response>, status: number, error: string) {
      const res = await api.appendsNothing(send);
      expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
      expect(res.body.statusCode).toBe(status);
      expect(typeof res.body.message).toBe('string');
      expect(res.body.message.length).toBeGreaterThan(0);
      return res;
    }

    it('wrong types → 400 listing every field that is wrong', async () => {
      const res = await refused(
        () => api.post('/subjects', { subjectId: 42, givenName: 7, familyName: true, birthDate: 19900430 }),
        400, 'REQUEST.INVALID',
      );
      const details = res.body.details as string[];
      expect(Array.isArray(details)).toBe(true);
      for (const field of ['subjectId', 'givenName', 'familyName', 'birthDate']) {
        expect(details.some((d) => d.startsWith(field))).toBe(true);
      }
      expect(res.body.message).toMatch(/^Invalid request: /);
    });

    it('missing required fields are listed', async () => {
      const res = await refused(() => api.post(`/subjects/${subjectId}/contacts`, {}), 400, 'REQUEST.INVALID');
      for (const field of ['contactId', 'occurredAt', 'channel', 'categories', 'summary', 'concerns', 'interpreterUsed']) {
        expect((res.body.details as string[]).some((d) => d.includes(field))).toBe(true);
      }
    });

    it('an enum value outside the list → 400 naming the field', async () => {
      const res = await refused(() => api.post(`/subjects/${subjectId}/contacts`, contactBody({ channel: 'carrier-pigeon', categories: ['gossip'] })), 400, 'REQUEST.INVALID');
      expect(res.body.details).toEqual(expect.arrayContaining([expect.stringMatching(/^channel /), expect.stringMatching(/categories/)]));
    });

    it('an unknown field → 400 "property X should not exist"', async () => {
      const res = await refused(() => api.post('/subjects', subjectBody({ favouriteColour: 'blue' })), 400, 'REQUEST.INVALID');
      expect(res.body.details).toEqual(['property favouriteColour should not exist']);
    });

    it('an unknown field nested in a consent recipient → 400', async () => {
      const res = await refused(
        () => api.post(`/subjects/${subjectId}/consents`, consentBody({ recipients: [{ agency: 'oslo-health', role: 'gp' }] })),
        400, 'REQUEST.INVALID',
      );
      expect(res.body.details).toEqual(expect.arrayContaining([expect.stringMatching(/property role should not exist/)]));
    });

    it('an unknown field nested in the grantor → 400', async () => {
      const res = await refused(() => api.post(`/subjects/${subjectId}/consents`, consentBody({ grantor: { kind: 'self', signature: 'x' } })), 400, 'REQUEST.INVALID');
      expect(res.body.details).toEqual(expect.arrayContaining([expect.stringMatching(/property signature should not exist/)]));
    });

    it.each([
      ['both agency and agencyKind', { agency: 'oslo-health', agencyKind: 'health' }],
      ['neither agency nor agencyKind', {}],
    ])('a consent recipient with %s → 400', async (_, recipient) => {
      const res = await refused(() => api.post(`/subjects/${subjectId}/consents`, consentBody({ recipients: [recipient] })), 400, 'REQUEST.INVALID');
      expect(res.body.details).toEqual(expect.arrayContaining([expect.stringMatching(/exactly one of agency or agencyKind/)]));
    });

    it('a consent recipient that is not an object → 400', async () => {
      await refused(() => api.post(`/subjects/${subjectId}/consents`, consentBody({ recipients: ['oslo-health'] })), 400, 'REQUEST.INVALID');
    });

    it('malformed JSON → 400 and nothing appended', async () => {
      await api.appendsNothing(async () => {
        const res = await api.post('/subjects', '{"subjectId": "abc",');
        expect(res.status).toBe(400);
      });
    });

    // Regression guard (this used to happen): Nest's router maps body-parser's SyntaxError to a plain BadRequestException(err.message)
    // before ErrorFilter sees it, so the filter's 'entity.parse.failed' branch never runs: the code is
    // REQUEST.INVALID and the message is the JSON parser's, which quotes the start of the body (personal
    // data).
    it('malformed JSON → 400 REQUEST.MALFORMED_JSON, without echoing the body', async () => {
      const res = await refused(() => api.post('/subjects', 'Amina Haile 01019012345'), 400, 'REQUEST.MALFORMED_JSON');
      expect(res.body.message).not.toContain('Amina');
    });

    it('a body over 64kb → 413 REQUEST.TOO_LARGE', async () => {
      const res = await refused(() => api.post(`/subjects/${subjectId}/contacts`, contactBody({ summary: 'x'.repeat(70 * 1024) })), 413, 'REQUEST.TOO_LARGE');
      expect(res.body.message).not.toContain('xxxx');
    });

    it('a non-UUID path parameter → 400', async () => {
      const res = await refused(() => api.post('/subjects/not-a-uuid/contacts', contactBody()), 400, 'REQUEST.INVALID');
      expect(res.body.message).toMatch(/uuid/i);
      await refused(() => api.post('/referrals/123/acknowledgement', undefined, { as: 'oslo-health' }), 400, 'REQUEST.INVALID');
      await refused(() => api.post(`/subjects/${subjectId}/consents/nope/withdrawal`, {}), 400, 'REQUEST.INVALID');
    });

    it('an unknown subject → 404 SUBJECT.NOT_FOUND', async () => {
      const unknown = randomUUID();
      await refused(() => api.post(`/subjects/${unknown}/contacts`, contactBody()), 404, 'SUBJECT.NOT_FOUND');
      await refused(() => api.post(`/subjects/${unknown}/consents`, consentBody()), 404, 'SUBJECT.NOT_FOUND');
      await refused(() => api.post('/referrals', referralBody(unknown), { as: 'oslo-adult-learning' }), 404, 'SUBJECT.NOT_FOUND');
      await refused(() => api.post(`/subjects/${unknown}/residence`, { familyReunification: false, municipality: '0301', grantedOn: '2026-11-01' }, { as: 'imdi' }), 404, 'SUBJECT.NOT_FOUND');
      await refused(() => api.post(`/subjects/${subjectId}/household`, { memberId: unknown, relation: 'child' }), 404, 'SUBJECT.NOT_FOUND');
      await refused(
        () => api.post(`/subjects/${subjectId}/residence`, { familyReunification: true, sponsorId: unknown, municipality: '0301', grantedOn: '2026-11-01' }, { as: 'imdi' }),
        404, 'SUBJECT.NOT_FOUND',
      );
    });

    it('an unknown referral → 404 REFERRAL.NOT_FOUND', async () => {
      const unknown = randomUUID();
      await refused(() => api.post(`/referrals/${unknown}/acknowledgement`, undefined, { as: 'oslo-health' }), 404, 'REFERRAL.NOT_FOUND');
      await refused(() => api.post(`/referrals/${unknown}/acceptance`, {}, { as: 'oslo-health' }), 404, 'REFERRAL.NOT_FOUND');
      await refused(() => api.post(`/referrals/${unknown}/completion`, { outcome: 'done' }, { as: 'oslo-health' }), 404, 'REFERRAL.NOT_FOUND');
      await refused(() => api.post('/referrals', referralBody(subjectId, { previousReferralId: unknown }), { as: 'oslo-adult-learning' }), 404, 'REFERRAL.NOT_FOUND');
    });

    it('an unknown recipient agency → 404 AGENCY.NOT_FOUND', async () => {
      const res = await refused(() => api.post('/referrals', referralBody(subjectId, { to: 'trondheim-health' }), { as: 'oslo-adult-learning' }), 404, 'AGENCY.NOT_FOUND');
      expect(res.body.message).toContain('trondheim-health');
      await refused(() => api.post(`/subjects/${subjectId}/consents`, consentBody({ recipients: [{ agency: 'trondheim-health' }] })), 404, 'AGENCY.NOT_FOUND');
    });

    it('If-Match: a stale revision → 409 STORE.WRONG_EXPECTED_REVISION; the current one succeeds', async () => {
      const id = await api.registerSubject();
      const grant = { familyReunification: false, municipality: '0301', grantedOn: '2026-11-01' };
      const stale = await refused(() => api.post(`/subjects/${id}/residence`, grant, { as: 'imdi', headers: { 'If-Match': '"3"' } }), 409, 'STORE.WRONG_EXPECTED_REVISION');
      expect(stale.body.message).toMatch(/revision 0/);
      const ok = await api.post(`/subjects/${id}/residence`, grant, { as: 'imdi', headers: { 'If-Match': '"0"' } });
      expect(ok.status).toBe(201);
      expect(ok.headers.etag).toBe('"1"');
      // The ETag just received is now current; the one before it is stale.
      await refused(() => api.post(`/subjects/${id}/residence`, grant, { as: 'imdi', headers: { 'If-Match': '"0"' } }), 409, 'STORE.WRONG_EXPECTED_REVISION');
      expect((await api.post(`/subjects/${id}/residence`, grant, { as: 'imdi', headers: { 'If-Match': ok.headers.etag } })).status).toBe(201);
    });

    it('If-Match on a stream that does not exist yet → 409', async () => {
      await refused(() => api.post(`/subjects/${subjectId}/contacts`, contactBody(), { headers: { 'If-Match': '0' } }), 409, 'STORE.WRONG_EXPECTED_REVISION');
    });

    it.each(['abc', '"-1"', 'W/"1"', '*'])('an invalid If-Match (%s) → 400 REQUEST.INVALID_IF_MATCH', async (value) => {
      await refused(() => api.post(`/subjects/${subjectId}/contacts`, contactBody(), { headers: { 'If-Match': value } }), 400, 'REQUEST.INVALID_IF_MATCH');
    });

    it('an invalid Idempotency-Key → 400 REQUEST.INVALID_IDEMPOTENCY_KEY', async () => {
      await refused(() => api.post(`/subjects/${subjectId}/contacts`, contactBody(), { headers: { 'Idempotency-Key': 'has space' } }), 400, 'REQUEST.INVALID_IDEMPOTENCY_KEY');
      await refused(() => api.post(`/subjects/${subjectId}/contacts`, contactBody(), { headers: { 'Idempotency-Key': 'k'.repeat(201) } }), 400, 'REQUEST.INVALID_IDEMPOTENCY_KEY');
    });
  });

  describe('domain rules map to HTTP statuses with their codes', () => {
    let subjectId: string;
    beforeAll(async () => {
      subjectId = await api.registerSubject();
    });

    async function refused(send: () => Promise<Response>, status: number, error: string) {
      const res = await api.appendsNothing(send);
      expect({ status: res.status, body: res.body }).toEqual({ status, body: { statusCode: status, error, message: expect.any(String) } });
      return res;
    }

    it('registering the same subject twice → 409 SUBJECT.ALREADY_REGISTERED', async () => {
      await refused(() => api.post('/subjects', subjectBody({ subjectId })), 409, 'SUBJECT.ALREADY_REGISTERED');
    });

    it('a birth date in the future → 400 SUBJECT.INVALID_BIRTH_DATE', async () => {
      await refused(() => api.post('/subjects', subjectBody({ birthDate: '2999-01-01' })), 400, 'SUBJECT.INVALID_BIRTH_DATE');
    });

    it('a contact in the future → 400 CONTACT.IN_FUTURE; the same contact id twice → 409', async () => {
      await refused(() => api.post(`/subjects/${subjectId}/contacts`, contactBody({ occurredAt: '2999-01-01T00:00:00Z' })), 400, 'CONTACT.IN_FUTURE');
      const contact = contactBody();
      expect((await api.post(`/subjects/${subjectId}/contacts`, contact)).status).toBe(201);
      await refused(() => api.post(`/subjects/${subjectId}/contacts`, contact), 409, 'CONTACT.ALREADY_RECORDED');
    });

    it('accepting a declined referral → 409 REFERRAL.ALREADY_DECLINED', async () => {
      const referral = referralBody(subjectId);
      expect((await api.post('/referrals', referral, { as: 'oslo-adult-learning' })).status).toBe(201);
      const declined = await api.post(`/referrals/${referral.referralId}/decline`, { reason: 'Not ours: try the GP', suggestedAgency: 'nav-oslo' }, { as: 'oslo-health' });
      expect(declined.status).toBe(201);
      await refused(() => api.post(`/referrals/${referral.referralId}/acceptance`, {}, { as: 'oslo-health' }), 409, 'REFERRAL.ALREADY_DECLINED');
      await refused(() => api.post(`/referrals/${referral.referralId}/completion`, { outcome: 'x' }, { as: 'oslo-health' }), 409, 'REFERRAL.ALREADY_CLOSED');
    });

    it('completing a referral before it is accepted → 409 REFERRAL.NOT_ACCEPTED', async () => {
      const referral = referralBody(subjectId);
      expect((await api.post('/referrals', referral, { as: 'oslo-adult-learning' })).status).toBe(201);
      await refused(() => api.post(`/referrals/${referral.referralId}/completion`, { outcome: 'x' }, { as: 'oslo-health' }), 409, 'REFERRAL.NOT_ACCEPTED');
    });

    it('a referral to the sending agency itself → 400 REFERRAL.SELF_REFERRAL', async () => {
      await refused(() => api.post('/referrals', referralBody(subjectId, { to: 'oslo-adult-learning' }), { as: 'oslo-adult-learning' }), 400, 'REFERRAL.SELF_REFERRAL');
    });

    it('a referral with deadlines in the past → 400 REFERRAL.DUE_IN_PAST', async () => {
      await refused(
        () => api.post('/referrals', referralBody(subjectId, { acknowledgeBy: '2020-01-01T00:00:00Z', answerBy: '2020-01-02T00:00:00Z' }), { as: 'oslo-adult-learning' }),
        400, 'REFERRAL.DUE_IN_PAST',
      );
    });

    it('acknowledging by an agency that is not the recipient → 403 REFERRAL.NOT_RECIPIENT', async () => {
      const referral = referralBody(subjectId);
      expect((await api.post('/referrals', referral, { as: 'oslo-adult-learning' })).status).toBe(201);
      await refused(() => api.post(`/referrals/${referral.referralId}/acknowledgement`, undefined, { as: 'nav-oslo' }), 403, 'REFERRAL.NOT_RECIPIENT');
      // Not even the sender answers its own referral.
      await refused(() => api.post(`/referrals/${referral.referralId}/acceptance`, {}, { as: 'oslo-adult-learning' }), 403, 'REFERRAL.NOT_RECIPIENT');
    });

    it('granting residence as a municipal agency → 403 WRITER.KIND_NOT_ALLOWED', async () => {
      const grant = { familyReunification: false, municipality: '0301', grantedOn: '2026-11-01' };
      await refused(() => api.post(`/subjects/${subjectId}/residence`, grant, { as: 'oslo-refugee' }), 403, 'WRITER.KIND_NOT_ALLOWED');
      await refused(() => api.post(`/subjects/${subjectId}/residence`, grant, { as: 'nav-oslo' }), 403, 'WRITER.KIND_NOT_ALLOWED');
    });

    it('family reunification without a sponsor → 400 SUBJECT.SPONSOR_REQUIRED', async () => {
      await refused(
        () => api.post(`/subjects/${subjectId}/residence`, { familyReunification: true, municipality: '0301', grantedOn: '2026-11-01' }, { as: 'udi' }),
        400, 'SUBJECT.SPONSOR_REQUIRED',
      );
    });

    it('withdrawing an unknown consent → 404 CONSENT.NOT_FOUND', async () => {
      await refused(() => api.post(`/subjects/${subjectId}/consents/${randomUUID()}/withdrawal`, {}), 404, 'CONSENT.NOT_FOUND');
    });

    it('withdrawing a consent twice → 409 CONSENT.ALREADY_WITHDRAWN', async () => {
      const consentId = randomUUID();
      expect((await api.post(`/subjects/${subjectId}/consents`, consentBody({ consentId }))).status).toBe(201);
      expect((await api.post(`/subjects/${subjectId}/consents/${consentId}/withdrawal`, {})).status).toBe(201);
      await refused(() => api.post(`/subjects/${subjectId}/consents/${consentId}/withdrawal`, {}), 409, 'CONSENT.ALREADY_WITHDRAWN');
    });

    it('giving a consent with an id already used → 409 CONSENT.ALREADY_EXISTS', async () => {
      const consentId = randomUUID();
      expect((await api.post(`/subjects/${subjectId}/consents`, consentBody({ consentId }))).status).toBe(201);
      await refused(() => api.post(`/subjects/${subjectId}/consents`, consentBody({ consentId })), 409, 'CONSENT.ALREADY_EXISTS');
    });

    it('a consent that expired before it was recorded → 400 CONSENT.ALREADY_EXPIRED', async () => {
      await refused(
        () => api.post(`/subjects/${subjectId}/consents`, consentBody({ validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' })),
        400, 'CONSENT.ALREADY_EXPIRED',
      );
    });
  });
});
