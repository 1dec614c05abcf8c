import type { DomainEvent } from '@samhandling/domain';

/**
 * A refugee family's first weeks, as the services record them: Amina is granted residence with
 * family reunification, health and the refugee service see her, she consents and withdraws,
 * health refers to child welfare and the refugee service's referral to NAV is declined and re-sent.
 */
export const AMINA = 'amina';
export const HEALTH = 'health-oslo';
export const REFUGEE = 'refugee-oslo';
export const CHILD_WELFARE = 'barnevern-oslo';
export const NAV = 'nav-oslo';
export const HOUSING = 'housing-oslo';
export const UDI = 'udi';

const by = (agency: string, actor: string) => ({ by: agency, actor });

export const scenario = (subjectId = AMINA): DomainEvent[] => [
  { type: 'SubjectRegistered', data: { subjectId, givenName: 'Amina', familyName: 'Hassan', birthDate: '1990-04-01', registeredBy: REFUGEE, registeredAt: '2026-01-02T08:00:00Z' } },
  { type: 'ResidenceGranted', data: { subjectId, familyReunification: true, sponsorId: 'yusuf', municipality: '0301', grantedOn: '2026-01-01', recordedBy: UDI } },
  { type: 'HouseholdLinked', data: { subjectId, memberId: 'leila', relation: 'child', linkedBy: REFUGEE } },
  {
    type: 'ContactRecorded',
    data: {
      contactId: 'c-1', subjectId, agency: HEALTH, actor: 'nurse-1', occurredAt: '2026-01-05T09:00:00Z', recordedAt: '2026-01-05T10:00:00Z',
      channel: 'in_person', categories: ['health'], summary: 'Sleeps badly; headaches.', concerns: ['sleep'], interpreterUsed: true, interpreterLanguage: 'so',
    },
  },
  {
    type: 'ContactRecorded',
    data: {
      contactId: 'c-2', subjectId, agency: REFUGEE, actor: 'advisor-1', occurredAt: '2026-01-06T09:00:00Z', recordedAt: '2026-01-06T09:30:00Z',
      channel: 'phone', categories: ['education'], summary: 'Norwegian course starts in March.', concerns: [], interpreterUsed: false,
    },
  },
  {
    // Recorded after c-1 but happened before it.
    type: 'ContactRecorded',
    data: {
      contactId: 'c-3', subjectId, agency: HEALTH, actor: 'doctor-2', occurredAt: '2026-01-03T09:00:00Z', recordedAt: '2026-01-07T12:00:00Z',
      channel: 'video', categories: ['health', 'family_situation'], summary: 'Worried about her daughter.', concerns: ['daughter withdrawn'], interpreterUsed: false,
    },
  },
  {
    type: 'ConsentGiven',
    data: {
      consentId: 'k-1', subjectId, decision: 'permit', grantor: { kind: 'self' }, recipients: [{ agency: REFUGEE }, { agencyKind: 'voluntary' }],
      categories: ['health'], purposes: ['follow_up'], validFrom: '2026-01-05T00:00:00Z', validUntil: '2026-07-05T00:00:00Z',
      evidence: { kind: 'written', reference: 'doc-17' }, interpreterUsed: true, interpreterLanguage: 'so', recordedBy: HEALTH, recordedAt: '2026-01-05T10:00:00Z',
    },
  },
  {
    type: 'ConsentGiven',
    data: {
      consentId: 'k-2', subjectId, decision: 'deny', grantor: { kind: 'self' }, recipients: [{ agencyKind: 'nav' }],
      categories: ['health'], purposes: ['welfare_services'], validFrom: '2026-01-06T00:00:00Z',
      evidence: { kind: 'verbal' }, interpreterUsed: false, recordedBy: REFUGEE, recordedAt: '2026-01-06T09:30:00Z',
    },
  },
  { type: 'ConsentWithdrawn', data: { consentId: 'k-1', subjectId, reason: 'Changed her mind', withdrawnBy: HEALTH, withdrawnAt: '2026-01-08T10:00:00Z' } },
  {
    type: 'ReferralSent',
    data: {
      referralId: `r-1-${subjectId}`, subjectId, from: HEALTH, to: CHILD_WELFARE, reason: 'Daughter withdrawn, not in school.', categories: ['child_welfare_concern'],
      basis: { kind: 'legal', entryId: 'hpl-33' }, acknowledgeBy: '2026-01-12T10:00:00Z', answerBy: '2026-01-24T10:00:00Z', sentBy: 'doctor-2', sentAt: '2026-01-09T10:00:00Z',
    },
  },
  {
    type: 'ReferralSent',
    data: {
      referralId: `r-2-${subjectId}`, subjectId, from: REFUGEE, to: NAV, reason: 'Needs help with housing benefit.', categories: ['welfare', 'housing'],
      basis: { kind: 'consent', consentId: 'k-3' }, acknowledgeBy: '2026-01-11T10:00:00Z', answerBy: '2026-01-20T10:00:00Z', sentBy: 'advisor-1', sentAt: '2026-01-09T11:00:00Z',
    },
  },
  { type: 'ReferralAcknowledged', data: { referralId: `r-1-${subjectId}`, ...by(CHILD_WELFARE, 'cw-1'), acknowledgedAt: '2026-01-10T08:00:00Z' } },
  { type: 'ReferralDeclined', data: { referralId: `r-2-${subjectId}`, ...by(NAV, 'nav-1'), reason: 'Housing office handles this.', suggestedAgency: HOUSING, declinedAt: '2026-01-10T09:00:00Z' } },
  {
    type: 'ReferralSent',
    data: {
      referralId: `r-3-${subjectId}`, subjectId, from: REFUGEE, to: HOUSING, reason: 'Needs help with housing benefit.', categories: ['housing'],
      basis: { kind: 'consent', consentId: 'k-3' }, acknowledgeBy: '2026-01-13T10:00:00Z', answerBy: '2026-01-18T10:00:00Z',
      previousReferralId: `r-2-${subjectId}`, sentBy: 'advisor-1', sentAt: '2026-01-10T10:00:00Z',
    },
  },
  { type: 'ReferralEscalated', data: { referralId: `r-3-${subjectId}`, deadline: 'acknowledgement', dueAt: '2026-01-13T10:00:00Z', escalatedAt: '2026-01-13T11:00:00Z', notify: [REFUGEE] } },
  { type: 'ReferralAccepted', data: { referralId: `r-1-${subjectId}`, ...by(CHILD_WELFARE, 'cw-1'), acceptedAt: '2026-01-14T08:00:00Z' } },
];
