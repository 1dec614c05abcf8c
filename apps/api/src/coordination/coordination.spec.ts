import { randomUUID } from 'node:crypto';
import { DisclosureLog, type AccessReport } from '@samhandling/audit';
import { auditClient } from '../audit/testing/audit-scenario';
import { ApiHarness, consentBody, contactBody, referralBody } from '../testing/api-harness';

/** Issue 6: the coordinator as the single point of entry, re-referral after a decline, arrivals. */
describe('coordination: coordinator designation and overview, re-referral, family reunification (API over PGlite)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await ApiHarness.start();
  }, 60_000);
  afterAll(() => api?.close());

  const read = async (as: string, subjectId: string, projection: string, purpose: string) =>
    api.http.get(`/subjects/${subjectId}/projections/${projection}?purpose=${purpose}`).set('Authorization', `Bearer ${await api.token(as)}`);
  const designate = (subjectId: string, body: Record<string, unknown>, as = 'oslo-refugee') => api.post(`/subjects/${subjectId}/coordinator`, body, { as });
  const coordinationConsent = (agency = 'oslo-refugee') =>
    consentBody({ recipients: [{ agency }], categories: ['identity'], purposes: ['coordination', 'follow_up'] });

  describe('designating a coordinator', () => {
    it('on the person\'s consent naming the coordinator', async () => {
      const subjectId = await api.registerSubject();
      const consent = coordinationConsent();
      expect((await api.post(`/subjects/${subjectId}/consents`, consent, { as: 'oslo-refugee' })).status).toBe(201);
      const res = await designate(subjectId, { agency: 'oslo-refugee', caseworker: 'Kari (introduction programme)', basis: { kind: 'consent', consentId: consent.consentId } });
      expect(res.status).toBe(201);
      expect(res.body.events).toEqual([expect.objectContaining({ type: 'CoordinatorDesignated' })]);
    });

    it.each([
      ['a consent that does not exist', () => ({ kind: 'consent', consentId: randomUUID() }), 404, 'CONSENT.NOT_FOUND'],
      ['a catalog entry that does not reach a voluntary organisation', () => ({ kind: 'legal', entryId: 'paa-13b-1-5' }), 400, 'COORDINATOR.BASIS_NOT_APPLICABLE'],
      ['an unknown catalog entry', () => ({ kind: 'legal', entryId: 'no-such-entry' }), 400, 'COORDINATOR.BASIS_NOT_APPLICABLE'],
    ])('refuses %s and appends nothing', async (_case, basis, status, error) => {
      const subjectId = await api.registerSubject();
      const res = await api.appendsNothing(() => designate(subjectId, { agency: 'red-cross-oslo', basis: basis() }));
      expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
    });

    it('refuses a consent that names another service, a withdrawn consent, an unknown agency and bad input', async () => {
      const subjectId = await api.registerSubject();
      const consent = coordinationConsent('nav-oslo');
      await api.post(`/subjects/${subjectId}/consents`, consent, { as: 'oslo-refugee' });
      await api.appendsNothing(async () => {
        const other = await designate(subjectId, { agency: 'oslo-refugee', basis: { kind: 'consent', consentId: consent.consentId } });
        expect(other.body.error).toBe('COORDINATOR.CONSENT_NOT_NAMING');
        expect((await designate(subjectId, { agency: 'nowhere-at-all', basis: { kind: 'consent', consentId: consent.consentId } })).body.error).toBe('AGENCY.NOT_FOUND');
        const bad = await designate(subjectId, { agency: 'nav-oslo', basis: { kind: 'consent' }, extra: 1 });
        expect(bad.status).toBe(400);
      });
      await api.post(`/subjects/${subjectId}/consents/${consent.consentId}/withdrawal`, {}, { as: 'oslo-refugee' });
      const withdrawn = await api.appendsNothing(() => designate(subjectId, { agency: 'nav-oslo', basis: { kind: 'consent', consentId: consent.consentId } }));
      expect({ status: withdrawn.status, error: withdrawn.body.error }).toEqual({ status: 409, error: 'COORDINATOR.CONSENT_NOT_ACTIVE' });
    });

    it('lets a voluntary organisation coordinate on consent only', async () => {
      const subjectId = await api.registerSubject();
      const consent = coordinationConsent('red-cross-oslo');
      await api.post(`/subjects/${subjectId}/consents`, consent, { as: 'oslo-refugee' });
      expect((await designate(subjectId, { agency: 'red-cross-oslo', basis: { kind: 'consent', consentId: consent.consentId } })).status).toBe(201);
    });
  });

  it("the coordinator's overview: every involved service, open referrals and contacts as metadata; content only where policy allows; recorded", async () => {
    const subjectId = await api.registerSubject();
    const learning = contactBody({ categories: ['contact_log', 'education'], summary: 'Struggles to follow Norwegian class', concerns: ['fatigue'] });
    const health = contactBody({ categories: ['contact_log', 'health'], summary: 'Sleep problems' });
    await api.post(`/subjects/${subjectId}/contacts`, learning, { as: 'oslo-adult-learning' });
    await api.post(`/subjects/${subjectId}/contacts`, health, { as: 'oslo-health' });
    const referral = referralBody(subjectId, { to: 'oslo-health', categories: ['education', 'health'], basis: { kind: 'legal', entryId: 'paa-13b-1-5' } });
    expect((await api.post('/referrals', referral, { as: 'oslo-adult-learning' })).status).toBe(201);

    // Before any designation the refugee service sees only its own part.
    const before = (await read('oslo-refugee', subjectId, 'coordination', 'coordination')).body.data;
    expect(before).toMatchObject({ involvedAgencies: ['oslo-refugee'], openReferrals: [], contacts: [] });

    const consent = coordinationConsent();
    await api.post(`/subjects/${subjectId}/consents`, consent, { as: 'oslo-refugee' });
    await designate(subjectId, { agency: 'oslo-refugee', caseworker: 'Kari', basis: { kind: 'consent', consentId: consent.consentId } });
    // The refugee service recorded a consent naming itself: until the others confirm it, their records stay closed.
    expect((await read('oslo-refugee', subjectId, 'coordination', 'coordination')).body.data.involvedAgencies).toEqual(['oslo-refugee']);
    for (const discloser of ['oslo-health', 'oslo-adult-learning']) {
      expect((await api.post(`/subjects/${subjectId}/consents/${consent.consentId}/confirmation`, {}, { as: discloser })).status).toBe(201);
    }

    const res = await read('oslo-refugee', subjectId, 'coordination', 'coordination');
    expect(res.status).toBe(200);
    const view = res.body.data;
    expect(view.coordinator).toMatchObject({ agency: 'oslo-refugee', caseworker: 'Kari' });
    expect(view.involvedAgencies).toEqual(['oslo-adult-learning', 'oslo-health', 'oslo-refugee']);
    // The referral: who, to whom, state and deadlines — not what it is about.
    expect(view.openReferrals).toEqual([
      expect.objectContaining({ referralId: referral.referralId, from: 'oslo-adult-learning', to: 'oslo-health', status: 'sent', redacted: ['categories'], bases: ['coordination:oslo-refugee'] }),
    ]);
    expect(view.openReferrals[0].reason).toBeUndefined();
    // Each contact as metadata only: that it happened, never its summary; the health contact's health part is withheld.
    expect(view.contacts).toEqual([
      expect.objectContaining({ contactId: learning.contactId, ownerAgency: 'oslo-adult-learning', redacted: ['summary', 'concerns', 'actor'] }),
      expect.objectContaining({ contactId: health.contactId, ownerAgency: 'oslo-health', categories: ['contact_log'], redacted: ['summary', 'concerns', 'actor'] }),
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/Struggles|Sleep problems|fatigue/);

    const recorded = (await api.app.get(DisclosureLog).read({ subjectId })).map((r) => r.disclosure).filter((d) => d.kind === 'pull' && d.projection === 'coordination');
    expect(recorded).toHaveLength(1);
    expect(recorded[0].bases).toEqual([{ kind: 'coordination', agency: 'oslo-refugee', designationBasis: { kind: 'consent', consentId: consent.consentId } }]);

    // Another service is not the coordinator; a withdrawn consent ends the coordination.
    expect((await read('nav-oslo', subjectId, 'coordination', 'coordination')).status).toBe(403);
    await api.post(`/subjects/${subjectId}/consents/${consent.consentId}/withdrawal`, {}, { as: 'oslo-refugee' });
    const ended = (await read('oslo-refugee', subjectId, 'coordination', 'coordination')).body.data;
    expect(ended).toMatchObject({ involvedAgencies: ['oslo-refugee'], openReferrals: [], contacts: [] });

    // The person is told who their coordinator is.
    const report = await auditClient(api, 'oslo-health').get(`/audit/subjects/${subjectId}/access-report`);
    expect((report.body as AccessReport).coordinator).toMatchObject({ agency: 'oslo-refugee', caseworker: 'Kari' });
    const text = await auditClient(api, 'oslo-health').get(`/audit/subjects/${subjectId}/access-report`, { Accept: 'text/plain' });
    expect(text.text).toContain('Your coordinator: Oslo kommune – flyktningtjenesten');
  });

  describe('re-referral in one step', () => {
    const declinedReferral = async (suggestedAgency?: string) => {
      const subjectId = await api.registerSubject();
      const referral = referralBody(subjectId, { to: 'oslo-health', categories: ['education'], basis: { kind: 'legal', entryId: 'paa-13b-1-5' } });
      await api.post('/referrals', referral, { as: 'oslo-adult-learning' });
      const decline = await api.post(`/referrals/${referral.referralId}/decline`, { reason: 'Not a health matter', ...(suggestedAgency ? { suggestedAgency } : {}) }, { as: 'oslo-health' });
      expect(decline.status).toBe(201);
      return { subjectId, referralId: referral.referralId as string };
    };
    const deadlines = () => ({ acknowledgeBy: new Date(Date.now() + 86_400_000).toISOString(), answerBy: new Date(Date.now() + 7 * 86_400_000).toISOString() });

    it('sends the declined matter to the suggested agency, chained to the declined referral, and the board shows it', async () => {
      const { referralId } = await declinedReferral('nav-oslo');
      const next = randomUUID();
      const res = await api.post(`/referrals/${referralId}/re-referral`, { referralId: next, ...deadlines() }, { as: 'oslo-adult-learning' });
      expect(res.status).toBe(201);
      const sent = (await api.allEvents()).find((e) => e.streamId === `referral-${next}`);
      expect(sent).toMatchObject({ type: 'ReferralSent', data: { from: 'oslo-adult-learning', to: 'nav-oslo', previousReferralId: referralId, categories: ['education'], reason: expect.any(String) } });
      const board = await api.http.get('/referral-board').set('Authorization', `Bearer ${await api.token('nav-oslo')}`);
      expect(board.body.incoming.map((r: { referralId: string }) => r.referralId)).toContain(next);
    });

    it('refuses the wrong caller, a referral that was not declined, and a decline without suggestion unless `to` is given', async () => {
      const { referralId } = await declinedReferral();
      await api.appendsNothing(async () => {
        const notSender = await api.post(`/referrals/${referralId}/re-referral`, { referralId: randomUUID(), ...deadlines() }, { as: 'oslo-health' });
        expect({ status: notSender.status, error: notSender.body.error }).toEqual({ status: 403, error: 'REFERRAL.NOT_SENDER' });
        const noTarget = await api.post(`/referrals/${referralId}/re-referral`, { referralId: randomUUID(), ...deadlines() }, { as: 'oslo-adult-learning' });
        expect({ status: noTarget.status, error: noTarget.body.error }).toEqual({ status: 400, error: 'REFERRAL.RECIPIENT_REQUIRED' });
        const unknown = await api.post(`/referrals/${randomUUID()}/re-referral`, { referralId: randomUUID(), ...deadlines() }, { as: 'oslo-adult-learning' });
        expect(unknown.status).toBe(404);
      });
      expect((await api.post(`/referrals/${referralId}/re-referral`, { referralId: randomUUID(), to: 'oslo-school', ...deadlines() }, { as: 'oslo-adult-learning' })).status).toBe(201);

      const subjectId = await api.registerSubject();
      const open = referralBody(subjectId, { to: 'oslo-health', categories: ['education'], basis: { kind: 'legal', entryId: 'paa-13b-1-5' } });
      await api.post('/referrals', open, { as: 'oslo-adult-learning' });
      const notDeclined = await api.post(`/referrals/${open.referralId}/re-referral`, { referralId: randomUUID(), to: 'nav-oslo', ...deadlines() }, { as: 'oslo-adult-learning' });
      expect({ status: notDeclined.status, error: notDeclined.body.error }).toEqual({ status: 409, error: 'REFERRAL.NOT_DECLINED' });
    });
  });

  it('a family-reunification grant links the sponsor into the household', async () => {
    const sponsor = await api.registerSubject({ givenName: 'Yonas' });
    const member = await api.registerSubject({ givenName: 'Selam' });
    const res = await api.post(`/subjects/${member}/residence`, { familyReunification: true, sponsorId: sponsor, relationToSponsor: 'spouse', municipality: '0301', grantedOn: '2026-11-01' }, { as: 'udi' });
    expect(res.status).toBe(201);
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual(['ResidenceGranted', 'HouseholdLinked', 'ArrivalNotice']);
    const overview = await read('oslo-refugee', member, 'person-overview', 'settlement');
    expect(overview.body.data.household).toEqual([expect.objectContaining({ memberId: sponsor, relation: 'spouse' })]);
  });
});
