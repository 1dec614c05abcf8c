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

/**
 * FHIR Consent.sourceReference: where the signed form or the note of a verbal consent is kept.
 * `sha256` fingerprints the document (a scanned form, or the file the person signed digitally),
 * so whoever relies on the consent later can check it is the one that was recorded.
 */
export interface ConsentEvidence {
  kind: 'written' | 'verbal' | 'digital';
  reference?: string;
  sha256?: string;
}

/**
 * How far a discloser that did not record a consent can rely on its evidence, lowest first:
 * `verbal` (a note, or a form without reference and fingerprint), `written` (a form with its
 * reference and SHA-256), `signed` (digitally signed by the person, with reference and SHA-256).
 * The catalog says which levels count for which categories without the discloser's confirmation.
 */
export type AssuranceLevel = 'verbal' | 'written' | 'signed';
export const ASSURANCE_LEVELS: readonly AssuranceLevel[] = ['verbal', 'written', 'signed'];

export function assuranceOf(evidence: ConsentEvidence | undefined): AssuranceLevel {
  if (!evidence || evidence.reference === undefined || evidence.sha256 === undefined) return 'verbal';
  if (evidence.kind === 'digital') return 'signed';
  return evidence.kind === 'written' ? 'written' : 'verbal';
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
  { consentId: string; subjectId: string; reason?: string; evidence?: ConsentEvidence; withdrawnBy: string; withdrawnAt: string }
>;

/**
 * A discloser that did not record the consent checked its evidence and relies on it for its own
 * records: consent lifts the discloser's duty of confidentiality, so each discloser decides.
 */
export type ConsentConfirmed = Event<
  'ConsentConfirmed',
  { consentId: string; subjectId: string; note?: string; confirmedBy: string; confirmedAt: string }
>;

/** A discloser will not rely on the consent for its records (it stays valid for the others). */
export type ConsentRejected = Event<
  'ConsentRejected',
  { consentId: string; subjectId: string; reason: string; rejectedBy: string; rejectedAt: string }
>;

export type ConsentEvent = ConsentGiven | ConsentWithdrawn | ConsentConfirmed | ConsentRejected;
