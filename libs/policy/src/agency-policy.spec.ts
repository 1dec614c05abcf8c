import type { DataCategory, Purpose } from '@samhandling/domain';
import { AgencyPolicy, type DisclosableRecord } from './agency-policy';
import type { SubjectPolicyState } from './subject-policy-state';
import { AGENCIES, catalog, consentGiven, consentWithdrawn, involve, stateOf, SUBJECT } from './testing/policy-fixtures';

const NOW = '2026-06-01T12:00:00Z';
const contact = (ownerAgency: string, categories: DataCategory[]): DisclosableRecord => ({ kind: 'contact', subjectId: SUBJECT, ownerAgency, categories });

function decide(
  requester: string, record: DisclosableRecord,
  opts: { purpose?: Purpose; state?: SubjectPolicyState; at?: string; initiative?: 'discloser' | 'recipient'; justification?: string; enabled?: string[] } = {},
) {
  return AgencyPolicy.build(catalog(opts.enabled), {
    requester: AGENCIES[requester], state: opts.state ?? stateOf(), purpose: opts.purpose ?? 'follow_up', at: opts.at ?? NOW,
    initiative: opts.initiative ?? 'recipient', justification: opts.justification, agencies: Object.values(AGENCIES),
  }).decide(record);
}

describe('deny by default; agencies always see their own records', () => {
  it('refuses another agency with no basis, and says so', () => {
    expect(decide('oslo-refugee', contact('oslo-health', ['contact_log', 'health']))).toMatchObject({ allowed: false, permittedCategories: [], denial: 'no_basis', bases: [] });
  });
  it('lets the recording agency read its own record in full', () => {
    expect(decide('oslo-health', contact('oslo-health', ['health', 'child_welfare_concern']))).toMatchObject({ allowed: true, bases: [{ kind: 'own' }] });
  });
});

describe('catalog entries', () => {
  it('consent: the only basis a voluntary organisation has', () => {
    const record = contact('oslo-refugee', ['contact_log']);
    expect(decide('red-cross-oslo', record, { initiative: 'discloser' }).allowed).toBe(false);
    const state = stateOf(consentGiven({ consentId: 'c-vol', recipients: [{ agencyKind: 'voluntary' }], categories: ['contact_log'], recordedBy: 'oslo-refugee' }));
    expect(decide('red-cross-oslo', record, { state })).toMatchObject({ allowed: true, bases: [{ kind: 'consent', consentId: 'c-vol', entryId: 'consent' }] });
  });

  it('hpa-25-45: health to collaborating health personnel for care, never to child welfare, school or NAV', () => {
    const record = contact('oslo-health', ['contact_log', 'health']);
    const state = stateOf(...involve('bergen-health', 'oslo-child-welfare', 'oslo-school', 'nav-oslo'));
    expect(decide('bergen-health', record, { purpose: 'care', state })).toMatchObject({ allowed: true, bases: [{ kind: 'legal', entryId: 'hpa-25-45', version: '2026-01' }] });
    expect(decide('bergen-health', record, { purpose: 'follow_up', state }).allowed).toBe(false);
    for (const other of ['oslo-child-welfare', 'oslo-school', 'nav-oslo']) expect(decide(other, record, { purpose: 'care', state }).allowed).toBe(false);
  });

  it('cooperation bases reach only services already involved with the person, not every service of a kind', () => {
    const record = contact('oslo-health', ['contact_log', 'health']);
    expect(decide('bergen-health', record, { purpose: 'care' })).toMatchObject({ allowed: false, denial: 'no_basis' });
    expect(decide('bergen-health', record, { purpose: 'care', state: stateOf(...involve('bergen-health')) }).allowed).toBe(true);
  });

  it('hpa-25-45: stops when the person objected', () => {
    const state = stateOf(...involve('bergen-health'), consentGiven({ consentId: 'obj', decision: 'deny', recipients: [{ agencyKind: 'health' }], categories: ['health'], purposes: ['care'] }));
    expect(decide('bergen-health', contact('oslo-health', ['health']), { purpose: 'care', state })).toMatchObject({ allowed: false, denial: 'objection' });
  });

  it('duty to notify: child-welfare concerns to child welfare only, even over an objection', () => {
    const concern = contact('oslo-health', ['child_welfare_concern']);
    const state = stateOf(consentGiven({ consentId: 'obj', decision: 'deny', recipients: [{ agencyKind: 'child_welfare' }], categories: ['child_welfare_concern'], purposes: ['child_protection'] }));
    expect(decide('oslo-child-welfare', concern, { purpose: 'child_protection', state })).toMatchObject({ allowed: true, bases: [{ kind: 'legal', entryId: 'duty-to-notify-child-welfare' }] });
    expect(decide('oslo-child-welfare', contact('oslo-health', ['health']), { purpose: 'child_protection' }).allowed).toBe(false);
    expect(decide('nav-oslo', concern, { purpose: 'child_protection' }).allowed).toBe(false);
    // Only the concern itself: registering a person or any other record is not a notification.
    expect(decide('oslo-child-welfare', { kind: 'identity', subjectId: SUBJECT, ownerAgency: 'oslo-health', categories: ['identity'] }, { purpose: 'child_protection' }).allowed).toBe(false);
    expect(decide('oslo-child-welfare', contact('oslo-health', ['identity', 'child_welfare_concern']), { purpose: 'child_protection' }).allowed).toBe(true);
  });

  it('paa-13b-1-5: for the disclosing agency own task, pushed by it, never read at the recipient initiative', () => {
    const record = contact('oslo-refugee', ['contact_log', 'education']);
    const state = stateOf(...involve('oslo-adult-learning'));
    expect(decide('oslo-adult-learning', record, { initiative: 'discloser', state })).toMatchObject({ allowed: true });
    expect(decide('oslo-adult-learning', record, { initiative: 'discloser', state }).bases.map((b) => b.kind === 'legal' && b.entryId)).toContain('paa-13b-1-5');
    expect(decide('oslo-adult-learning', record, { initiative: 'recipient', purpose: 'follow_up', state }).allowed).toBe(false);
    expect(decide('oslo-adult-learning', contact('oslo-refugee', ['health']), { initiative: 'discloser', state }).allowed).toBe(false);
    expect(decide('oslo-adult-learning', contact('oslo-health', ['contact_log']), { initiative: 'discloser', state }).allowed).toBe(false);
  });

  it('paa-13b-1-7: break-glass needs a written justification and is marked for review', () => {
    const record = contact('oslo-health', ['health']);
    expect(decide('oslo-refugee', record, { purpose: 'emergency' }).allowed).toBe(false);
    expect(decide('oslo-refugee', record, { purpose: 'emergency', justification: 'short' }).allowed).toBe(false);
    const open = decide('oslo-refugee', record, { purpose: 'emergency', justification: 'Person threatened self-harm at the reception, GP must be reached' });
    expect(open).toMatchObject({ allowed: true, reviewRequired: true, bases: [{ kind: 'legal', entryId: 'paa-13b-1-7' }] });
    expect(decide('red-cross-oslo', record, { purpose: 'emergency', justification: 'Person threatened self-harm at the reception' }).allowed).toBe(false);
  });

  it('nav-7 and ssa-44: NAV passes on welfare information it needs to, by its own initiative', () => {
    const record = contact('nav-oslo', ['welfare']);
    const state = stateOf(...involve('oslo-housing', 'oslo-refugee', 'oslo-child-welfare'));
    expect(decide('oslo-housing', record, { purpose: 'housing', initiative: 'discloser', state }).bases).toEqual([{ kind: 'legal', entryId: 'ssa-44', version: '2026-01' }]);
    expect(decide('oslo-refugee', record, { purpose: 'welfare_services', initiative: 'discloser', state }).allowed).toBe(true);
    expect(decide('oslo-child-welfare', record, { purpose: 'welfare_services', initiative: 'discloser', state }).allowed).toBe(false);
    expect(decide('oslo-housing', record, { purpose: 'housing', initiative: 'recipient', state }).allowed).toBe(false);
  });

  it('ia-41: the introduction programme services share what the programme needs', () => {
    const record = contact('oslo-adult-learning', ['education', 'contact_log']);
    const state = stateOf(...involve('oslo-refugee', 'oslo-housing'));
    expect(decide('oslo-refugee', record, { purpose: 'introduction_programme', state })).toMatchObject({ allowed: true, bases: [{ kind: 'legal', entryId: 'ia-41' }] });
    expect(decide('oslo-refugee', contact('oslo-adult-learning', ['health']), { purpose: 'introduction_programme', state }).allowed).toBe(false);
    expect(decide('oslo-housing', record, { purpose: 'introduction_programme', state }).allowed).toBe(false);
  });

  it('duty to notify: child welfare may tell whom a concern is about — the identity, once a notifying agency raised one', () => {
    const identity: DisclosableRecord = { kind: 'identity', subjectId: SUBJECT, ownerAgency: 'oslo-refugee', categories: ['identity'] };
    const opts = { purpose: 'child_protection' as const };
    expect(decide('oslo-child-welfare', identity, opts)).toMatchObject({ allowed: false, denial: 'no_basis' });
    const raised = (agency: string) => stateOf({ type: 'ContactRecorded', position: 500, data: { subjectId: SUBJECT, agency, categories: ['health', 'child_welfare_concern'] } });
    expect(decide('oslo-child-welfare', identity, { ...opts, state: raised('oslo-health') })).toMatchObject({ allowed: true, bases: [{ kind: 'legal', entryId: 'duty-to-notify-child-welfare' }] });
    // Not for another purpose, not to another agency, and not on a concern from an agency the duty does not cover.
    expect(decide('oslo-child-welfare', identity, { state: raised('oslo-health'), purpose: 'follow_up' }).allowed).toBe(false);
    expect(decide('nav-oslo', identity, { ...opts, state: raised('oslo-health') }).allowed).toBe(false);
    expect(decide('oslo-child-welfare', identity, { ...opts, state: raised('red-cross-oslo') }).allowed).toBe(false);
    // Identity only: the rest of the person's records still need the concern on them.
    expect(decide('oslo-child-welfare', contact('oslo-health', ['health']), { ...opts, state: raised('oslo-health') }).allowed).toBe(false);
  });

  it('family-reunification notice: disabled until configured, then only to the municipality of settlement', () => {
    const residence: DisclosableRecord = { kind: 'residence', subjectId: SUBJECT, ownerAgency: 'imdi', categories: ['residence', 'family_situation'] };
    const state = stateOf({ type: 'ResidenceGranted', position: 99, data: { subjectId: SUBJECT, municipality: '0301', familyReunification: true } });
    const opts = { purpose: 'settlement' as const, initiative: 'discloser' as const, state };
    expect(decide('oslo-health', residence, opts).allowed).toBe(false);
    expect(decide('oslo-health', residence, { ...opts, enabled: ['family-reunification-notice'] })).toMatchObject({ allowed: true, bases: [{ entryId: 'family-reunification-notice' }] });
    expect(decide('bergen-health', residence, { ...opts, enabled: ['family-reunification-notice'] }).allowed).toBe(false);
  });
});

describe('consent lifecycle', () => {
  const given = consentGiven({ consentId: 'c1', recipients: [{ agency: 'oslo-refugee' }], categories: ['health', 'contact_log'], validFrom: '2026-02-01T00:00:00Z', validUntil: '2026-12-31T00:00:00Z' });
  const record = contact('oslo-health', ['contact_log', 'health']);

  it('permits exactly the named recipient, categories, purposes and period', () => {
    const state = stateOf(given);
    expect(decide('oslo-refugee', record, { state })).toMatchObject({ allowed: true, bases: [{ kind: 'consent', consentId: 'c1' }] });
    expect(decide('oslo-adult-learning', record, { state }).allowed).toBe(false);
    expect(decide('oslo-refugee', contact('oslo-health', ['health', 'family_situation']), { state })).toMatchObject({ allowed: false, permittedCategories: ['health'] });
    expect(decide('oslo-refugee', record, { state, purpose: 'housing' }).allowed).toBe(false);
    expect(decide('oslo-refugee', record, { state, at: '2026-01-15T00:00:00Z' }).allowed).toBe(false);
  });

  it('expires: refused afterwards with the reason consent_expired', () => {
    expect(decide('oslo-refugee', record, { state: stateOf(given), at: '2027-01-01T00:00:00Z' })).toMatchObject({ allowed: false, denial: 'consent_expired' });
  });

  it('not yet valid: refused before validFrom with the reason consent_not_yet_valid, not consent_expired', () => {
    expect(decide('oslo-refugee', record, { state: stateOf(given), at: '2026-01-15T00:00:00Z' })).toMatchObject({ allowed: false, denial: 'consent_not_yet_valid' });
  });

  it('withdrawn: refused from the withdrawal on, while earlier moments still decide as they did', () => {
    const state = stateOf(given, consentWithdrawn('c1', '2026-05-01T00:00:00Z'));
    expect(decide('oslo-refugee', record, { state })).toMatchObject({ allowed: false, denial: 'consent_withdrawn' });
    expect(decide('oslo-refugee', record, { state, at: '2026-04-30T00:00:00Z' }).allowed).toBe(true);
  });

  it('an objection beats a permit, but not the agency own records', () => {
    const objection = consentGiven({ consentId: 'o1', decision: 'deny', recipients: [{ agency: 'oslo-refugee' }], categories: ['health'] });
    const state = stateOf(given, objection);
    expect(decide('oslo-refugee', record, { state })).toMatchObject({ allowed: false, permittedCategories: ['contact_log'], denial: 'objection' });
    expect(decide('oslo-refugee', contact('oslo-refugee', ['health']), { state }).allowed).toBe(true);
  });
});

describe('referrals disclose their own content to the receiver', () => {
  it('on the basis recorded on the referral', () => {
    const state = stateOf({ type: 'ReferralSent', position: 7, data: { subjectId: SUBJECT, referralId: 'r1', from: 'oslo-adult-learning', to: 'oslo-health', categories: ['health'], basis: { kind: 'legal', entryId: 'paa-13b-1-5' } } });
    const referral: DisclosableRecord = { kind: 'referral', subjectId: SUBJECT, ownerAgency: 'oslo-adult-learning', categories: ['referral', 'health'], referralId: 'r1' };
    expect(decide('oslo-health', referral, { state })).toMatchObject({ allowed: true, bases: [{ kind: 'referral', referralId: 'r1', referralBasis: { kind: 'legal', entryId: 'paa-13b-1-5' } }] });
    expect(decide('nav-oslo', referral, { state }).allowed).toBe(false);
    expect(decide('oslo-health', { ...referral, referralId: 'other' }, { state }).allowed).toBe(false);
  });
});

describe('the designated coordinator', () => {
  const designated = (basis: { kind: 'consent'; consentId: string } | { kind: 'legal'; entryId: string }, agency = 'oslo-refugee') => ({
    type: 'CoordinatorDesignated', position: 50, data: { subjectId: SUBJECT, agency, basis, designatedBy: 'oslo-refugee' },
  });
  // Written evidence with its fingerprint: every discloser may rely on it for metadata (catalog consent entry).
  const consent = consentGiven({ consentId: 'c-coord', recipients: [{ agency: 'oslo-refugee' }], categories: ['identity'], purposes: ['settlement'], evidence: { kind: 'written', reference: 'form 12', sha256: 'c'.repeat(64) } });
  const healthContact = contact('oslo-health', ['contact_log', 'health']);
  const nurseContact = contact('oslo-adult-learning', ['contact_log']);
  const referral: DisclosableRecord = { kind: 'referral', subjectId: SUBJECT, ownerAgency: 'oslo-adult-learning', categories: ['referral'], referralId: 'r-1' };

  it('sees that contacts and referrals exist on its designation alone, never their content', () => {
    const state = stateOf(consent, designated({ kind: 'consent', consentId: 'c-coord' }));
    expect(decide('oslo-refugee', nurseContact, { state, purpose: 'coordination' })).toMatchObject({
      allowed: true, bases: [{ kind: 'coordination', agency: 'oslo-refugee', designationBasis: { kind: 'consent', consentId: 'c-coord' } }],
    });
    expect(decide('oslo-refugee', referral, { state, purpose: 'follow_up' }).allowed).toBe(true);
    expect(decide('oslo-refugee', healthContact, { state, purpose: 'coordination' })).toMatchObject({ allowed: false, permittedCategories: ['contact_log'] });
  });

  it('only for coordination and follow-up', () => {
    const state = stateOf(consent, designated({ kind: 'consent', consentId: 'c-coord' }));
    for (const purpose of ['introduction_programme', 'care', 'settlement'] as const) {
      expect(decide('oslo-refugee', nurseContact, { state, purpose }).bases.some((b) => b.kind === 'coordination')).toBe(false);
    }
  });

  it('only the agency designated now: a new designation ends the previous one', () => {
    const state = stateOf(consent, designated({ kind: 'consent', consentId: 'c-coord' }), designated({ kind: 'legal', entryId: 'paa-13b-1-5' }, 'nav-oslo'));
    expect(decide('oslo-refugee', nurseContact, { state, purpose: 'coordination' }).allowed).toBe(false);
    expect(decide('oslo-health', nurseContact, { state, purpose: 'coordination' }).allowed).toBe(false);
  });

  it('ends when the consent it was designated on is withdrawn, or never began if the consent does not name it', () => {
    const withdrawn = stateOf(consent, designated({ kind: 'consent', consentId: 'c-coord' }), consentWithdrawn('c-coord', '2026-05-01T00:00:00Z'));
    expect(decide('oslo-refugee', nurseContact, { state: withdrawn, purpose: 'coordination' }).allowed).toBe(false);
    const other = consentGiven({ consentId: 'c-nav', recipients: [{ agency: 'nav-oslo' }], categories: ['identity'] });
    expect(decide('oslo-refugee', nurseContact, { state: stateOf(other, designated({ kind: 'consent', consentId: 'c-nav' })), purpose: 'coordination' }).allowed).toBe(false);
  });

  it('on a legal basis only when that entry reaches the coordinator\'s kind', () => {
    expect(decide('oslo-refugee', nurseContact, { state: stateOf(designated({ kind: 'legal', entryId: 'paa-13b-1-5' })), purpose: 'coordination' }).allowed).toBe(true);
    expect(decide('oslo-refugee', nurseContact, { state: stateOf(designated({ kind: 'legal', entryId: 'no-such-entry' })), purpose: 'coordination' }).allowed).toBe(false);
  });
});
