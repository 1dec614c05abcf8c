import type { AccessReport } from '@samhandling/audit';
import { AgencyDirectory } from '@samhandling/config';
import { auditClient } from '../audit/testing/audit-scenario';
import { ApiHarness, consentBody, contactBody } from '../testing/api-harness';

/**
 * Issue 11, "Trust what the policy stands on": an agency with one valid token must not make the
 * policy believe what it may not assert — a consent it records for itself, or a withdrawal of a
 * consent it has nothing to do with.
 */
describe('trust what the policy stands on (API over PGlite)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await ApiHarness.start();
  }, 60_000);
  afterAll(() => api?.close());

  const get = async (as: string, path: string) => api.http.get(path).set('Authorization', `Bearer ${await api.token(as)}`);
  const read = (as: string, subjectId: string, projection: string, purpose: string) => get(as, `/subjects/${subjectId}/projections/${projection}?purpose=${purpose}`);
  const healthContact = () => contactBody({ categories: ['contact_log', 'health'], summary: 'Sleep problems, referred to psychologist', concerns: ['trauma'] });

  describe('a consent an agency records naming itself does not open another agency\'s records', () => {
    it.each(['red-cross-oslo', 'bergen-health'])('%s: no basis, self-recorded consent still refused (consent_not_confirmed) until oslo-health confirms', async (intruder) => {
      const subjectId = await api.registerSubject();
      const contact = healthContact();
      expect((await api.post(`/subjects/${subjectId}/contacts`, contact, { as: 'oslo-health' })).status).toBe(201);

      for (const [projection, purpose] of [['person-overview', 'coordination'], ['contact-history', 'follow_up']]) {
        const refused = await read(intruder, subjectId, projection, purpose);
        expect({ status: refused.status, error: refused.body.error, reason: refused.body.reason }).toEqual({ status: 403, error: 'POLICY.DENIED', reason: 'no_basis' });
      }

      // The intruder records a consent that names itself: the log takes it (the person may consent through any service)...
      const consent = consentBody({ recipients: [{ agency: intruder }], categories: ['contact_log', 'health'], purposes: ['follow_up', 'coordination'] });
      expect((await api.post(`/subjects/${subjectId}/consents`, consent, { as: intruder })).status).toBe(201);
      // ...but it lifts no duty of oslo-health's: the health summary stays closed.
      const still = await read(intruder, subjectId, 'contact-history', 'follow_up');
      expect({ status: still.status, reason: still.body.reason }).toEqual({ status: 403, reason: 'consent_not_confirmed' });
      expect(JSON.stringify(still.body)).not.toContain('Sleep problems');

      // The legitimate flow: oslo-health sees what waits on it, checks the evidence, confirms; then the read cites the consent.
      const pending = await get('oslo-health', '/consents/pending');
      expect(pending.body.pending).toContainEqual(expect.objectContaining({ subjectId, consentId: consent.consentId, recordedBy: intruder, awaitingConfirmation: ['contact_log', 'health'] }));
      expect((await api.post(`/subjects/${subjectId}/consents/${consent.consentId}/confirmation`, { note: 'Form checked with the person' }, { as: 'oslo-health' })).status).toBe(201);
      const opened = await read(intruder, subjectId, 'contact-history', 'follow_up');
      expect(opened.status).toBe(200);
      expect(opened.body.data.contacts).toEqual([expect.objectContaining({ contactId: contact.contactId, summary: 'Sleep problems, referred to psychologist' })]);
      expect(opened.body.bases).toEqual([expect.objectContaining({ kind: 'consent', consentId: consent.consentId })]);

      // The person's access report says who recorded the consent and who confirmed it.
      const report = (await auditClient(api, 'oslo-health').get(`/audit/subjects/${subjectId}/access-report`)).body as AccessReport;
      const agencyName = (id: string) => api.app.get(AgencyDirectory).get(id)!.name;
      expect(report.consents).toEqual([expect.objectContaining({
        consentId: consent.consentId, decision: 'permit', status: 'active',
        recordedBy: expect.objectContaining({ agency: intruder, name: agencyName(intruder) }),
        confirmedBy: [expect.objectContaining({ agency: 'oslo-health', name: agencyName('oslo-health') })], rejectedBy: [],
      })]);
      const text = (await auditClient(api, 'oslo-health').get(`/audit/subjects/${subjectId}/access-report`, { Accept: 'text/plain' })).text;
      expect(text).toContain(`Recorded by ${agencyName(intruder)} on`);
      expect(text).toContain(`Confirmed by: ${agencyName('oslo-health')} on`);
    });

    it("a coordinator designated on such a consent sees no other agency's contacts, not even as metadata", async () => {
      const subjectId = await api.registerSubject();
      await api.post(`/subjects/${subjectId}/contacts`, healthContact(), { as: 'oslo-health' });
      await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['contact_log', 'education'] }), { as: 'oslo-adult-learning' });
      // bergen-health records a consent naming itself and designates itself coordinator on it.
      const consent = consentBody({ recipients: [{ agency: 'bergen-health' }], categories: ['identity'], purposes: ['coordination', 'follow_up'] });
      expect((await api.post(`/subjects/${subjectId}/consents`, consent, { as: 'bergen-health' })).status).toBe(201);
      const designation = { agency: 'bergen-health', caseworker: 'Ola', basis: { kind: 'consent', consentId: consent.consentId } };
      expect((await api.post(`/subjects/${subjectId}/coordinator`, designation, { as: 'bergen-health' })).status).toBe(201);
      const view = await read('bergen-health', subjectId, 'coordination', 'coordination');
      expect(view.status).toBe(200);
      expect(view.body.data).toMatchObject({ involvedAgencies: ['bergen-health'], contacts: [], openReferrals: [] });
    });
  });

  it('pages pending consents only on a whole-number limit in decimal digits', async () => {
    expect((await get('oslo-health', '/consents/pending?limit=2')).status).toBe(200);
    for (const limit of ['1e2', '0x10', '2.5', '0', '501']) {
      const res = await get('oslo-health', `/consents/pending?limit=${limit}`);
      expect({ limit, status: res.status, details: res.body.details }).toEqual({ limit, status: 400, details: ['limit must be a whole number from 1 to 500, in decimal digits'] });
    }
  });

  it('a throwaway contact and the emergency entry do not make a service the person\'s coordinator', async () => {
    const subjectId = await api.registerSubject();
    await api.post(`/subjects/${subjectId}/contacts`, healthContact(), { as: 'oslo-health' });
    // bergen-health becomes "involved" with one contact, then names itself coordinator on the break-glass entry.
    expect((await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['contact_log'] }), { as: 'bergen-health' })).status).toBe(201);
    const res = await api.appendsNothing(() => api.post(`/subjects/${subjectId}/coordinator`, { agency: 'bergen-health', basis: { kind: 'legal', entryId: 'paa-13b-1-7' } }, { as: 'bergen-health' }));
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 400, error: 'COORDINATOR.BASIS_NOT_APPLICABLE' });
    const view = await read('bergen-health', subjectId, 'coordination', 'coordination');
    expect(JSON.stringify(view.body)).not.toContain('oslo-health');
  });

  describe('withdrawing a consent', () => {
    const recordedConsent = async () => {
      const subjectId = await api.registerSubject();
      const consent = consentBody({ recipients: [{ agency: 'oslo-health' }], categories: ['education'], purposes: ['follow_up'] });
      expect((await api.post(`/subjects/${subjectId}/consents`, consent, { as: 'oslo-refugee' })).status).toBe(201);
      return { subjectId, consentId: consent.consentId as string };
    };
    const withdrawal = { reason: 'The person asked to stop sharing', evidence: { kind: 'written', reference: 'archive 2026/999' } };

    it.each(['bergen-refugee', 'red-cross-oslo', 'nav-oslo'])('%s, not involved, may not withdraw a consent oslo-refugee recorded; nothing is appended', async (stranger) => {
      const { subjectId, consentId } = await recordedConsent();
      const res = await api.appendsNothing(() => api.post(`/subjects/${subjectId}/consents/${consentId}/withdrawal`, withdrawal, { as: stranger }));
      expect({ status: res.status, error: res.body.error }).toEqual({ status: 403, error: 'WRITER.NOT_INVOLVED' });
      const registry = await read('oslo-refugee', subjectId, 'consent-registry', 'follow_up');
      expect(registry.body.data.consents).toEqual([expect.objectContaining({ consentId, status: 'active' })]);
    });

    it('an involved agency withdraws with evidence of how the person withdrew; without it the request is refused and changes nothing', async () => {
      const { subjectId, consentId } = await recordedConsent();
      await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['contact_log', 'health'] }), { as: 'oslo-health' });
      const bare = await api.appendsNothing(() => api.post(`/subjects/${subjectId}/consents/${consentId}/withdrawal`, { reason: 'asked to stop' }, { as: 'oslo-health' }));
      expect({ status: bare.status, error: bare.body.error }).toEqual({ status: 400, error: 'CONSENT.WITHDRAWAL_EVIDENCE_REQUIRED' });
      const done = await api.post(`/subjects/${subjectId}/consents/${consentId}/withdrawal`, withdrawal, { as: 'oslo-health' });
      expect(done.status).toBe(201);
      expect(done.body.events).toEqual([expect.objectContaining({ type: 'ConsentWithdrawn' })]);
      const report = (await auditClient(api, 'oslo-refugee').get(`/audit/subjects/${subjectId}/access-report`)).body as AccessReport;
      expect(report.consents[0]).toMatchObject({ status: 'withdrawn', withdrawnBy: { agency: 'oslo-health' } });
    });
  });
});
