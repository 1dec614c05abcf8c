import type { AgencyKind, DataCategory, Purpose } from '../shared/categories';
import { fold } from '../shared/decider';
import { given } from '../testing/given-when-then';
import { meta } from '../testing/metadata';
import type { ConsentCommand, GiveConsent, WithdrawConsent } from './consent.commands';
import { consentDecider } from './consent.decider';
import type { ConsentEvent, ConsentGiven, ConsentWithdrawn } from './consent.events';

const REFUGEE_SERVICE = meta({ agency: 'refugee-oslo', actor: 'advisor-3' });

const give = (data: Partial<GiveConsent['data']> = {}): GiveConsent => ({
  type: 'GiveConsent',
  data: {
    consentId: 'k-1',
    subjectId: 'amina',
    decision: 'permit',
    grantor: { kind: 'self' },
    recipients: [{ agency: 'health-oslo' }, { agencyKind: 'adult_learning' }],
    categories: ['health', 'education'],
    purposes: ['follow_up', 'introduction_programme'],
    validFrom: '2026-01-10T00:00:00Z',
    validUntil: '2027-01-10T00:00:00Z',
    evidence: { kind: 'written', reference: 'archive/2026/117' },
    interpreterUsed: true,
    interpreterLanguage: 'so',
    ...data,
  },
  metadata: REFUGEE_SERVICE,
});

const given1: ConsentGiven = {
  type: 'ConsentGiven',
  data: { ...give().data, recordedBy: 'refugee-oslo', recordedAt: '2026-01-10T10:00:00Z' },
};

const phoneNote = { kind: 'verbal' as const, reference: 'phone call 2026-03-01, journal note 88' };

const withdraw = (data: Partial<WithdrawConsent['data']> = {}): WithdrawConsent => ({
  type: 'WithdrawConsent',
  data: { consentId: 'k-1', subjectId: 'amina', evidence: phoneNote, ...data },
  metadata: meta({ agency: 'health-oslo', now: '2026-03-01T08:00:00Z' }),
});

const withdrawn: ConsentWithdrawn = {
  type: 'ConsentWithdrawn',
  data: { consentId: 'k-1', subjectId: 'amina', evidence: phoneNote, withdrawnBy: 'health-oslo', withdrawnAt: '2026-03-01T08:00:00Z' },
};

describe('GiveConsent', () => {
  it('records the consent with its full provision, recorder and time', () => {
    given(consentDecider, []).when(give()).then([given1]);
  });

  it('records an open-ended objection by a named guardian, omitting absent fields', () => {
    const command = give({
      decision: 'deny',
      grantor: { kind: 'guardian', name: 'Yusuf Hassan' },
      recipients: [{ agencyKind: 'voluntary' }],
      categories: ['child_welfare_concern'],
      purposes: ['coordination'],
      validUntil: undefined,
      evidence: { kind: 'verbal' },
      interpreterUsed: false,
      interpreterLanguage: undefined,
    });
    given(consentDecider, []).when(command).then([
      {
        type: 'ConsentGiven',
        data: {
          consentId: 'k-1',
          subjectId: 'amina',
          decision: 'deny',
          grantor: { kind: 'guardian', name: 'Yusuf Hassan' },
          recipients: [{ agencyKind: 'voluntary' }],
          categories: ['child_welfare_concern'],
          purposes: ['coordination'],
          validFrom: '2026-01-10T00:00:00Z',
          evidence: { kind: 'verbal' },
          interpreterUsed: false,
          recordedBy: 'refugee-oslo',
          recordedAt: '2026-01-10T10:00:00Z',
        },
      },
    ]);
  });

  it('refuses a second consent with the same id', () => {
    given(consentDecider, [given1]).when(give()).thenThrows('CONSENT.ALREADY_EXISTS', 'conflict');
  });

  it.each(['2026-01-10T00:00:00Z', '2026-01-09T00:00:00Z'])('rejects a period ending at %s (not after validFrom)', (validUntil) => {
    given(consentDecider, []).when(give({ validUntil })).thenThrows('CONSENT.INVALID_PERIOD', 'validation');
  });

  it('rejects a consent that has already expired when recorded', () => {
    given(consentDecider, [])
      .when(give({ validFrom: '2025-01-01T00:00:00Z', validUntil: '2026-01-10T10:00:00Z' }))
      .thenThrows('CONSENT.ALREADY_EXPIRED', 'validation');
  });

  it('needs at least one recipient', () => {
    given(consentDecider, []).when(give({ recipients: [] })).thenThrows('CONSENT.NO_RECIPIENTS', 'validation');
  });

  it.each([[{ agency: ' ' }], [{ agencyKind: 'police' as AgencyKind }]])('rejects recipient %j', (recipient) => {
    given(consentDecider, []).when(give({ recipients: [recipient] })).thenThrows('CONSENT.INVALID_RECIPIENT', 'validation');
  });

  it('needs at least one data category', () => {
    given(consentDecider, []).when(give({ categories: [] })).thenThrows('CONSENT.NO_CATEGORIES', 'validation');
  });

  it('rejects categories outside the catalogue', () => {
    const categories = ['everything'] as unknown as DataCategory[];
    given(consentDecider, []).when(give({ categories })).thenThrows('CONSENT.UNKNOWN_CATEGORY', 'validation');
  });

  it('needs at least one purpose', () => {
    given(consentDecider, []).when(give({ purposes: [] })).thenThrows('CONSENT.NO_PURPOSES', 'validation');
  });

  it('rejects purposes outside the catalogue', () => {
    const purposes = ['marketing'] as unknown as Purpose[];
    given(consentDecider, []).when(give({ purposes })).thenThrows('CONSENT.UNKNOWN_PURPOSE', 'validation');
  });

  it.each([{ kind: 'guardian' as const }, { kind: 'representative' as const, name: '  ' }])('needs the name of %j', (grantor) => {
    given(consentDecider, []).when(give({ grantor })).thenThrows('CONSENT.GUARDIAN_NAME_REQUIRED', 'validation');
  });

  it('rejects an interpreter language when no interpreter was used', () => {
    given(consentDecider, [])
      .when(give({ interpreterUsed: false }))
      .thenThrows('CONSENT.INTERPRETER_LANGUAGE_WITHOUT_INTERPRETER', 'validation');
  });
});

describe('WithdrawConsent', () => {
  it('records the withdrawal by the agency it was told to, now', () => {
    given(consentDecider, [given1]).when(withdraw()).then([withdrawn]);
  });

  it('keeps the reason when one is given', () => {
    given(consentDecider, [given1])
      .when(withdraw({ reason: 'Wants to speak to the GP first' }))
      .then([{ ...withdrawn, data: { ...withdrawn.data, reason: 'Wants to speak to the GP first' } }]);
  });

  it('on the person\'s behalf through another service, needs evidence of how the person withdrew', () => {
    given(consentDecider, [given1]).when(withdraw({ evidence: undefined })).thenThrows('CONSENT.WITHDRAWAL_EVIDENCE_REQUIRED', 'validation');
  });

  it('by the recording service, needs no evidence beyond its own record', () => {
    const byRecorder: WithdrawConsent = { ...withdraw({ evidence: undefined }), metadata: meta({ agency: 'refugee-oslo', now: '2026-03-01T08:00:00Z' }) };
    given(consentDecider, [given1]).when(byRecorder).then([{ type: 'ConsentWithdrawn', data: { consentId: 'k-1', subjectId: 'amina', withdrawnBy: 'refugee-oslo', withdrawnAt: '2026-03-01T08:00:00Z' } }]);
  });

  it('cannot withdraw a consent that was never given', () => {
    given(consentDecider, [given1]).when(withdraw({ consentId: 'k-2' })).thenThrows('CONSENT.NOT_FOUND', 'not_found');
  });

  it('cannot withdraw twice', () => {
    given(consentDecider, [given1, withdrawn]).when(withdraw()).thenThrows('CONSENT.ALREADY_WITHDRAWN', 'conflict');
  });
});

describe('consent state', () => {
  it('holds each consent, and marks a withdrawn one with its time', () => {
    const second: ConsentGiven = { ...given1, data: { ...given1.data, consentId: 'k-2' } };
    const state = fold(consentDecider, [given1, second, withdrawn]);
    expect(state.consents['k-1']).toStrictEqual({
      status: 'withdrawn',
      decision: 'permit',
      recipients: [{ agency: 'health-oslo' }, { agencyKind: 'adult_learning' }],
      categories: ['health', 'education'],
      purposes: ['follow_up', 'introduction_programme'],
      validFrom: '2026-01-10T00:00:00Z',
      validUntil: '2027-01-10T00:00:00Z',
      withdrawnAt: '2026-03-01T08:00:00Z',
      recordedBy: 'refugee-oslo',
      assurance: 'verbal',
      confirmations: {},
    });
    expect(state.consents['k-2']?.status).toBe('active');
  });

  it('keeps each other discloser\'s latest answer, and the assurance its evidence gives', () => {
    const hash = 'a'.repeat(64);
    const signed: ConsentGiven = { ...given1, data: { ...given1.data, consentId: 'k-3', evidence: { kind: 'digital', reference: 'signing service tx 991', sha256: hash } } };
    const state = fold(consentDecider, [given1, signed, confirmed('health-oslo', 'k-3'), rejected('nav-oslo', 'k-3'), confirmed('nav-oslo', 'k-3')]);
    expect(state.consents['k-3']).toMatchObject({ assurance: 'signed', confirmations: { 'health-oslo': 'confirmed', 'nav-oslo': 'confirmed' } });
    expect(state.consents['k-1']).toMatchObject({ assurance: 'verbal', confirmations: {} });
  });
});

const confirmed = (agency: string, consentId = 'k-1'): ConsentEvent => ({
  type: 'ConsentConfirmed', data: { consentId, subjectId: 'amina', confirmedBy: agency, confirmedAt: '2026-02-01T08:00:00Z' },
});
const rejected = (agency: string, consentId = 'k-1'): ConsentEvent => ({
  type: 'ConsentRejected', data: { consentId, subjectId: 'amina', reason: 'No form in the archive', rejectedBy: agency, rejectedAt: '2026-02-01T08:00:00Z' },
});
const answer = (type: 'ConfirmConsent' | 'RejectConsent', agency: string, data: Record<string, unknown> = {}): ConsentCommand =>
  ({ type, data: { consentId: 'k-1', subjectId: 'amina', ...(type === 'RejectConsent' ? { reason: 'No form in the archive' } : {}), ...data }, metadata: meta({ agency, now: '2026-02-01T08:00:00Z' }) }) as ConsentCommand;

describe('ConfirmConsent and RejectConsent: each other discloser answers for its own records', () => {
  it('records a confirmation by another service, with its note', () => {
    given(consentDecider, [given1]).when(answer('ConfirmConsent', 'health-oslo', { note: 'Form seen' }))
      .then([{ type: 'ConsentConfirmed', data: { consentId: 'k-1', subjectId: 'amina', note: 'Form seen', confirmedBy: 'health-oslo', confirmedAt: '2026-02-01T08:00:00Z' } }]);
  });

  it('records a rejection with its reason, and lets the discloser change its mind', () => {
    given(consentDecider, [given1]).when(answer('RejectConsent', 'health-oslo')).then([rejected('health-oslo')]);
    given(consentDecider, [given1, rejected('health-oslo')]).when(answer('ConfirmConsent', 'health-oslo')).then([confirmed('health-oslo')]);
    given(consentDecider, [given1]).when(answer('RejectConsent', 'health-oslo', { reason: ' ' })).thenThrows('CONSENT.REASON_REQUIRED', 'validation');
  });

  it('refuses the recorder, a repeated answer, an objection, a withdrawn or unknown consent', () => {
    given(consentDecider, [given1]).when(answer('ConfirmConsent', 'refugee-oslo')).thenThrows('CONSENT.RECORDED_BY_YOU', 'conflict');
    given(consentDecider, [given1, confirmed('health-oslo')]).when(answer('ConfirmConsent', 'health-oslo')).thenThrows('CONSENT.ALREADY_CONFIRMED', 'conflict');
    given(consentDecider, [given1, rejected('health-oslo')]).when(answer('RejectConsent', 'health-oslo')).thenThrows('CONSENT.ALREADY_REJECTED', 'conflict');
    const objection: ConsentGiven = { ...given1, data: { ...given1.data, decision: 'deny' } };
    given(consentDecider, [objection]).when(answer('ConfirmConsent', 'health-oslo')).thenThrows('CONSENT.NOT_A_PERMIT', 'conflict');
    given(consentDecider, [given1, withdrawn]).when(answer('ConfirmConsent', 'nav-oslo')).thenThrows('CONSENT.ALREADY_WITHDRAWN', 'conflict');
    given(consentDecider, []).when(answer('ConfirmConsent', 'nav-oslo')).thenThrows('CONSENT.NOT_FOUND', 'not_found');
  });
});

describe('evidence', () => {
  it('refuses a fingerprint that is not a SHA-256, or one without the document it fingerprints', () => {
    given(consentDecider, []).when(give({ evidence: { kind: 'written', reference: 'x', sha256: 'abc' } })).thenThrows('CONSENT.INVALID_EVIDENCE_HASH', 'validation');
    given(consentDecider, []).when(give({ evidence: { kind: 'written', sha256: 'b'.repeat(64) } })).thenThrows('CONSENT.EVIDENCE_REFERENCE_REQUIRED', 'validation');
  });
});
