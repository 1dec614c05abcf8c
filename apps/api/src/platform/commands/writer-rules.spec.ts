import { randomUUID } from 'node:crypto';
import { WRITER_RULES } from '@samhandling/policy';
import { COMMANDS } from '../../command-catalog';
import { ApiHarness, consentBody, contactBody, referralBody, subjectBody } from '../../testing/api-harness';

/**
 * The writer-rule table (libs/policy writer-rules) as users meet it over HTTP: for every command,
 * a writer it lets through and each kind of writer it refuses, with the code, appending nothing.
 */
describe('writer rules: who may write each fact the policy reads (API over PGlite)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await ApiHarness.start();
  }, 60_000);
  afterAll(() => api?.close());

  const evidence = { kind: 'written', reference: 'archive 2026/77' };
  const deadlines = () => ({ acknowledgeBy: new Date(Date.now() + 86_400_000).toISOString(), answerBy: new Date(Date.now() + 7 * 86_400_000).toISOString() });
  const created = (res: { status: number; body: unknown }) => {
    if (res.status !== 201) throw new Error(`set-up step failed: ${res.status} ${JSON.stringify(res.body)}`);
  };

  /**
   * One person registered by oslo-refugee, with a health contact by oslo-health (so both are
   * involved), a consent oslo-refugee recorded naming itself, a household member, and a referral
   * from oslo-refugee to oslo-health. `referralState` walks the referral as far as a row needs.
   */
  const world = async (referralState: 'sent' | 'acknowledged' | 'accepted' | 'declined' = 'sent') => {
    const subjectId = await api.registerSubject();
    const memberId = await api.registerSubject({ givenName: 'Selam' });
    created(await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['contact_log', 'health'] }), { as: 'oslo-health' }));
    const consent = consentBody({ recipients: [{ agency: 'oslo-refugee' }], categories: ['identity', 'health'], purposes: ['coordination', 'follow_up'] });
    created(await api.post(`/subjects/${subjectId}/consents`, consent, { as: 'oslo-refugee' }));
    const referral = referralBody(subjectId, { to: 'oslo-health', categories: ['education'], basis: { kind: 'legal', entryId: 'paa-13b-1-5' } });
    created(await api.post('/referrals', referral, { as: 'oslo-refugee' }));
    const step = (path: string, body?: object) => api.post(`/referrals/${referral.referralId}/${path}`, body, { as: 'oslo-health' });
    if (referralState === 'acknowledged' || referralState === 'accepted') created(await step('acknowledgement'));
    if (referralState === 'accepted') created(await step('acceptance', {}));
    if (referralState === 'declined') created(await step('decline', { reason: 'Not ours', suggestedAgency: 'nav-oslo' }));
    return { subjectId, memberId, consentId: consent.consentId as string, referralId: referral.referralId as string };
  };
  type World = Awaited<ReturnType<typeof world>>;

  interface Row {
    command: keyof typeof WRITER_RULES;
    referralState?: Parameters<typeof world>[0];
    /** A fresh request each time: path and body. */
    request: (w: World) => [string, object | undefined];
    allowed: string[];
    refused: Array<[writer: string, code: string]>;
  }

  const rows: Row[] = [
    { command: 'RegisterSubject', request: () => ['/subjects', subjectBody()], allowed: ['red-cross-oslo', 'udi', 'bergen-health'], refused: [] },
    {
      command: 'GrantResidence', request: (w) => [`/subjects/${w.subjectId}/residence`, { familyReunification: false, municipality: '0301', grantedOn: '2026-11-01' }],
      allowed: ['udi', 'imdi'], refused: [['oslo-refugee', 'WRITER.KIND_NOT_ALLOWED'], ['red-cross-oslo', 'WRITER.KIND_NOT_ALLOWED']],
    },
    {
      command: 'LinkHousehold', request: (w) => [`/subjects/${w.subjectId}/household`, { memberId: w.memberId, relation: 'spouse' }],
      allowed: ['oslo-refugee'], refused: [['red-cross-oslo', 'WRITER.KIND_NOT_ALLOWED'], ['nav-oslo', 'WRITER.NOT_INVOLVED']],
    },
    {
      command: 'DesignateCoordinator',
      request: (w) => [`/subjects/${w.subjectId}/coordinator`, { agency: 'oslo-refugee', basis: { kind: 'consent', consentId: w.consentId } }],
      allowed: ['oslo-refugee', 'oslo-health'], refused: [['red-cross-oslo', 'WRITER.KIND_NOT_ALLOWED'], ['nav-oslo', 'WRITER.NOT_INVOLVED'], ['bergen-health', 'WRITER.NOT_INVOLVED']],
    },
    { command: 'RecordContact', request: (w) => [`/subjects/${w.subjectId}/contacts`, contactBody()], allowed: ['red-cross-oslo', 'bergen-health'], refused: [] },
    { command: 'GiveConsent', request: (w) => [`/subjects/${w.subjectId}/consents`, consentBody()], allowed: ['red-cross-oslo', 'nav-oslo'], refused: [] },
    {
      command: 'WithdrawConsent', request: (w) => [`/subjects/${w.subjectId}/consents/${w.consentId}/withdrawal`, { reason: 'Asked to stop', evidence }],
      allowed: ['oslo-refugee', 'oslo-health'], refused: [['nav-oslo', 'WRITER.NOT_INVOLVED'], ['bergen-refugee', 'WRITER.NOT_INVOLVED'], ['red-cross-oslo', 'WRITER.NOT_INVOLVED']],
    },
    {
      command: 'ConfirmConsent', request: (w) => [`/subjects/${w.subjectId}/consents/${w.consentId}/confirmation`, { note: 'Form checked' }],
      allowed: ['oslo-health'], refused: [['nav-oslo', 'WRITER.NOT_INVOLVED'], ['bergen-health', 'WRITER.NOT_INVOLVED']],
    },
    {
      command: 'RejectConsent', request: (w) => [`/subjects/${w.subjectId}/consents/${w.consentId}/rejection`, { reason: 'Cannot verify the form' }],
      allowed: ['oslo-health'], refused: [['nav-oslo', 'WRITER.NOT_INVOLVED'], ['red-cross-oslo', 'WRITER.NOT_INVOLVED']],
    },
    {
      command: 'SendReferral', request: (w) => ['/referrals', referralBody(w.subjectId, { to: 'oslo-health', categories: ['education'], basis: { kind: 'legal', entryId: 'paa-13b-1-5' } })],
      allowed: ['oslo-adult-learning', 'bergen-refugee'], refused: [],
    },
    ...(['acknowledgement', 'acceptance', 'decline', 'completion'] as const).map((path): Row => {
      const command = ({ acknowledgement: 'AcknowledgeReferral', acceptance: 'AcceptReferral', decline: 'DeclineReferral', completion: 'CompleteReferral' } as const)[path];
      const body = { acknowledgement: undefined, acceptance: {}, decline: { reason: 'Not ours' }, completion: { outcome: 'Assessed; follow-up booked' } }[path];
      return {
        command, referralState: path === 'completion' ? 'accepted' : 'sent', request: (w) => [`/referrals/${w.referralId}/${path}`, body],
        allowed: ['oslo-health'], refused: [['oslo-refugee', 'REFERRAL.NOT_RECIPIENT'], ['nav-oslo', 'REFERRAL.NOT_RECIPIENT']],
      };
    }),
    {
      command: 'ReReferReferral', referralState: 'declined', request: (w) => [`/referrals/${w.referralId}/re-referral`, { referralId: randomUUID(), ...deadlines() }],
      allowed: ['oslo-refugee'], refused: [['oslo-health', 'REFERRAL.NOT_SENDER'], ['nav-oslo', 'REFERRAL.NOT_SENDER']],
    },
  ];

  it('has a row for every command in the table (EscalateReferral is the scheduler\'s, with no route: see libs/policy writer-rules.spec)', () => {
    expect([...rows.map((r) => r.command), 'EscalateReferral'].sort()).toEqual(Object.keys(WRITER_RULES).sort());
  });

  describe.each(rows)('$command', (row) => {
    if (row.refused.length > 0) {
      it.each(row.refused)('refuses %s with 403 %s and appends nothing', async (writer, code) => {
        const w = await world(row.referralState);
        const [path, body] = row.request(w);
        const res = await api.appendsNothing(() => api.post(path, body, { as: writer }));
        expect({ status: res.status, error: res.body.error }).toEqual({ status: 403, error: code });
      });
    }

    it.each(row.allowed)('lets %s write it', async (writer) => {
      const w = await world(row.referralState);
      const [path, body] = row.request(w);
      const res = await api.post(path, body, { as: writer });
      expect({ status: res.status, error: res.body.error }).toEqual({ status: 201, error: undefined });
      // What the command's declaration says it appends, and where.
      const declared = COMMANDS.find((d) => d.name === row.command)!;
      expect(String(res.body.streamId).startsWith(`${declared.stream}-`)).toBe(true);
      for (const { type } of res.body.events as Array<{ type: string }>) expect(declared.produces).toContain(type);
    });
  });
});
