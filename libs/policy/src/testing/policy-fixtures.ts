import type { ConsentTerms, DataCategory, Purpose } from '@samhandling/domain';
import type { AgencyRef } from '../agency-policy';
import { loadCatalog } from '../catalog/load-catalog';
import { evolveSubjectPolicy } from '../subject-policy-fold';
import { initialSubjectPolicyState, type LogEvent, type SubjectPolicyState } from '../subject-policy-state';

export const SUBJECT = 'b7f9a9c4-6a51-4c44-9f3e-0d6f0c1c5a01';

export const AGENCIES: Record<string, AgencyRef> = {
  'oslo-health': { id: 'oslo-health', kind: 'health', municipality: '0301' },
  'bergen-health': { id: 'bergen-health', kind: 'health', municipality: '4601' },
  'oslo-refugee': { id: 'oslo-refugee', kind: 'refugee_service', municipality: '0301' },
  'bergen-refugee': { id: 'bergen-refugee', kind: 'refugee_service', municipality: '4601' },
  'oslo-adult-learning': { id: 'oslo-adult-learning', kind: 'adult_learning', municipality: '0301' },
  'oslo-school': { id: 'oslo-school', kind: 'school', municipality: '0301' },
  'oslo-child-welfare': { id: 'oslo-child-welfare', kind: 'child_welfare', municipality: '0301' },
  'nav-oslo': { id: 'nav-oslo', kind: 'nav', municipality: '0301' },
  'oslo-housing': { id: 'oslo-housing', kind: 'housing', municipality: '0301' },
  'red-cross-oslo': { id: 'red-cross-oslo', kind: 'voluntary', municipality: '0301' },
  imdi: { id: 'imdi', kind: 'national_authority', municipality: null },
};

export const catalog = (enabled: string[] = []) => loadCatalog(undefined, { enabled });

let position = 0;
export const consentGiven = (terms: Partial<ConsentTerms> & { consentId: string; recipients: ConsentTerms['recipients']; categories: DataCategory[]; recordedBy?: string }): LogEvent => ({
  type: 'ConsentGiven',
  position: ++position,
  data: {
    subjectId: SUBJECT, decision: 'permit', grantor: { kind: 'self' }, purposes: ['follow_up', 'care', 'coordination'] as Purpose[],
    validFrom: '2026-01-01T00:00:00Z', evidence: { kind: 'written' }, interpreterUsed: false, recordedBy: 'oslo-health', recordedAt: '2026-01-01T00:00:00Z',
    ...terms,
  },
});

export const consentWithdrawn = (consentId: string, withdrawnAt: string): LogEvent => ({
  type: 'ConsentWithdrawn', position: ++position, data: { subjectId: SUBJECT, consentId, withdrawnBy: 'oslo-health', withdrawnAt },
});

export const stateOf = (...events: LogEvent[]): SubjectPolicyState => events.reduce(evolveSubjectPolicy, initialSubjectPolicyState(SUBJECT));

/** A contact recorded by each agency: makes them involved with the person. */
export const involve = (...agencies: string[]): LogEvent[] =>
  agencies.map((agency) => ({ type: 'ContactRecorded', position: ++position, data: { subjectId: SUBJECT, agency, categories: ['contact_log'] } }));
