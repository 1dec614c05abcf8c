import type { AgencyKind, DataCategory, Purpose } from '../shared/categories';
import type { Event } from '../shared/decider';

/** FHIR R5 Consent.decision: permit shares, deny records an objection. */
export type ConsentDecision = 'permit' | 'deny';

/** Who gave the consent (FHIR Consent.grantor); a guardian or representative must be named. */
export interface ConsentGrantor {
  kind: 'self' | 'guardian' | 'representative';
  name?: string;
}

/** FHIR provision.actor: one agency, or every agency of a kind (e.g. all voluntary organisations). */
export type ConsentRecipient = { agency: string } | { agencyKind: AgencyKind };

/** FHIR Consent.sourceReference: where the signed form or the note of a verbal consent is kept. */
export interface ConsentEvidence {
  kind: 'written' | 'verbal' | 'digital';
  reference?: string;
}

/** The terms as given; shared by the command and the event. */
export interface ConsentTerms {
  consentId: string;
  subjectId: string;
  decision: ConsentDecision;
  grantor: ConsentGrantor;
  recipients: ConsentRecipient[];
  /** FHIR provision.class */
  categories: DataCategory[];
  /** FHIR provision.purpose */
  purposes: Purpose[];
  /** FHIR provision.period */
  validFrom: string;
  validUntil?: string;
  evidence: ConsentEvidence;
  interpreterUsed: boolean;
  interpreterLanguage?: string;
}

export type ConsentGiven = Event<'ConsentGiven', ConsentTerms & { recordedBy: string; recordedAt: string }>;

export type ConsentWithdrawn = Event<
  'ConsentWithdrawn',
  { consentId: string; subjectId: string; reason?: string; withdrawnBy: string; withdrawnAt: string }
>;

export type ConsentEvent = ConsentGiven | ConsentWithdrawn;
