import type { ConsentEvidence, DataCategory, Purpose } from '@samhandling/domain';
import { AgencyPolicy, type DisclosableRecord } from './agency-policy';
import type { SubjectPolicyState, LogEvent } from './subject-policy-state';
import { AGENCIES, catalog, consentGiven, involve, stateOf, SUBJECT } from './testing/policy-fixtures';

const NOW = '2026-06-01T12:00:00Z';
const contact = (ownerAgency: string, categories: DataCategory[]): DisclosableRecord => ({ kind: 'contact', subjectId: SUBJECT, ownerAgency, categories });
const decide = (requester: string, record: DisclosableRecord, state: SubjectPolicyState, purpose: Purpose = 'follow_up') =>
  AgencyPolicy.build(catalog(), { requester: AGENCIES[requester], state, purpose, at: NOW, initiative: 'recipient', agencies: Object.values(AGENCIES) }).decide(record);
const answer = (type: 'ConsentConfirmed' | 'ConsentRejected', agency: string, consentId: string): LogEvent => ({
  type, position: 900,
  data: type === 'ConsentConfirmed'
    ? { subjectId: SUBJECT, consentId, confirmedBy: agency, confirmedAt: '2026-02-01T00:00:00Z' }
    : { subjectId: SUBJECT, consentId, rejectedBy: agency, rejectedAt: '2026-02-01T00:00:00Z', reason: 'No form on file' },
});
const hash = 'd'.repeat(64);
const written = { kind: 'written' as const, reference: 'archive 2026/77', sha256: hash };
const signed = { kind: 'digital' as const, reference: 'signing service tx 4411', sha256: hash };
const healthContact = contact('oslo-health', ['contact_log', 'health']);

describe('consent provenance: a consent lifts the duty of the discloser that can rely on it', () => {
  it('a consent an agency records naming itself unlocks none of another agency\'s records until that agency confirms it', () => {
    for (const self of ['red-cross-oslo', 'bergen-health']) {
      const given = consentGiven({ consentId: 'self', recordedBy: self, recipients: [{ agency: self }], categories: ['contact_log', 'health'], purposes: ['follow_up', 'care'] });
      const state = stateOf(...involve('oslo-health', self), given);
      expect(decide(self, healthContact, state)).toMatchObject({ allowed: false, permittedCategories: [], denial: 'consent_not_confirmed' });
      expect(decide(self, contact(self, ['health']), state).allowed).toBe(true);
      const confirmed = stateOf(...involve('oslo-health', self), given, answer('ConsentConfirmed', 'oslo-health', 'self'));
      expect(decide(self, healthContact, confirmed)).toMatchObject({ allowed: true, bases: [{ kind: 'consent', consentId: 'self' }] });
      // Confirmed by oslo-health only: oslo-refugee's records stay closed.
      expect(decide(self, contact('oslo-refugee', ['contact_log']), confirmed).denial).toBe('consent_not_confirmed');
    }
  });

  it('even signed evidence does not stand in for the other disclosers when the recorder names itself', () => {
    const given = consentGiven({ consentId: 'self', recordedBy: 'red-cross-oslo', recipients: [{ agencyKind: 'voluntary' }], categories: ['contact_log'], evidence: signed });
    expect(decide('red-cross-oslo', contact('oslo-refugee', ['contact_log']), stateOf(given)).denial).toBe('consent_not_confirmed');
  });

  it('the recording discloser relies on its own consent, for every category it names', () => {
    const given = consentGiven({ consentId: 'k', recordedBy: 'oslo-health', recipients: [{ agency: 'oslo-refugee' }], categories: ['contact_log', 'health'] });
    expect(decide('oslo-refugee', healthContact, stateOf(given))).toMatchObject({ allowed: true });
  });

  it('written evidence with its fingerprint reaches ordinary categories of every discloser, never the special ones; signed evidence reaches health', () => {
    const byRefugee = (evidence: ConsentEvidence) => stateOf(consentGiven({ consentId: 'k', recordedBy: 'oslo-refugee', recipients: [{ agency: 'nav-oslo' }], categories: ['contact_log', 'health'], evidence }));
    expect(decide('nav-oslo', contact('oslo-health', ['contact_log']), byRefugee(written)).allowed).toBe(true);
    expect(decide('nav-oslo', healthContact, byRefugee(written))).toMatchObject({ allowed: false, permittedCategories: ['contact_log'], denial: 'consent_not_confirmed' });
    expect(decide('nav-oslo', healthContact, byRefugee(signed)).allowed).toBe(true);
    // A written form without a fingerprint is only as good as a note: each discloser must confirm.
    expect(decide('nav-oslo', contact('oslo-health', ['contact_log']), byRefugee({ kind: 'written', reference: 'form' })).denial).toBe('consent_not_confirmed');
  });

  it('a discloser that rejects a consent is not reached even by its evidence, until it confirms after all', () => {
    const given = consentGiven({ consentId: 'k', recordedBy: 'oslo-refugee', recipients: [{ agency: 'nav-oslo' }], categories: ['contact_log'], evidence: written });
    const record = contact('oslo-health', ['contact_log']);
    expect(decide('nav-oslo', record, stateOf(given, answer('ConsentRejected', 'oslo-health', 'k'))).denial).toBe('consent_not_confirmed');
    expect(decide('nav-oslo', contact('oslo-school', ['contact_log']), stateOf(given, answer('ConsentRejected', 'oslo-health', 'k'))).allowed).toBe(true);
    expect(decide('nav-oslo', record, stateOf(given, answer('ConsentRejected', 'oslo-health', 'k'), answer('ConsentConfirmed', 'oslo-health', 'k'))).allowed).toBe(true);
  });

  it('an objection takes effect at once, whoever records it', () => {
    const permit = consentGiven({ consentId: 'k', recordedBy: 'oslo-health', recipients: [{ agency: 'nav-oslo' }], categories: ['contact_log', 'health'] });
    const objection = consentGiven({ consentId: 'o', decision: 'deny', recordedBy: 'red-cross-oslo', recipients: [{ agency: 'nav-oslo' }], categories: ['health'] });
    expect(decide('nav-oslo', healthContact, stateOf(permit, objection))).toMatchObject({ allowed: false, permittedCategories: ['contact_log'], denial: 'objection' });
  });

  it('a coordinator designated on a consent sees the metadata of only the disclosers that can rely on that consent', () => {
    const given = consentGiven({ consentId: 'c', recordedBy: 'red-cross-oslo', recipients: [{ agency: 'red-cross-oslo' }], categories: ['contact_log'], purposes: ['coordination'] });
    const designated: LogEvent = { type: 'CoordinatorDesignated', position: 950, data: { subjectId: SUBJECT, agency: 'red-cross-oslo', basis: { kind: 'consent', consentId: 'c' }, designatedBy: 'oslo-refugee' } };
    const state = stateOf(given, designated);
    expect(decide('red-cross-oslo', contact('oslo-health', ['contact_log']), state, 'coordination').allowed).toBe(false);
    expect(decide('red-cross-oslo', contact('oslo-health', ['contact_log']), stateOf(given, designated, answer('ConsentConfirmed', 'oslo-health', 'c')), 'coordination').allowed).toBe(true);
  });
});

describe('a consent shown to the agencies it names', () => {
  it('is disclosed on itself, not on another consent that names the same agency', () => {
    const first = consentGiven({ consentId: 'first', recordedBy: 'oslo-health', recipients: [{ agency: 'nav-oslo' }], categories: ['contact_log'] });
    const second = consentGiven({ consentId: 'second', recordedBy: 'oslo-health', recipients: [{ agency: 'nav-oslo' }], categories: ['welfare'] });
    // oslo-school's rejection of the second: told to nav-oslo, which the second names, citing the second.
    const rejection: DisclosableRecord = { kind: 'consent', subjectId: SUBJECT, ownerAgency: 'oslo-school', categories: ['welfare'], consentId: 'second' };
    const state = stateOf(first, second, answer('ConsentRejected', 'oslo-school', 'second'));
    expect(decide('nav-oslo', rejection, state)).toMatchObject({ allowed: true, bases: [{ kind: 'consent', consentId: 'second' }] });
  });
});
