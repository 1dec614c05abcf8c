import { AGENCY_KINDS, DATA_CATEGORIES, PURPOSES } from '../shared/categories';
import { invalid } from '../shared/errors';
import { instant } from '../shared/time';
import { isBlank, unknownValues } from '../shared/validation';
import type { ConsentEvidence, ConsentRecipient, ConsentTerms } from './consent.events';

/** What a consent's terms and evidence must hold before they are recorded, and the copies that reach the log. */
/** Copies only the known fields, so stray input never reaches the log. */
export const cleanRecipient = (r: ConsentRecipient): ConsentRecipient =>
  'agency' in r ? { agency: r.agency } : { agencyKind: r.agencyKind };

const SHA256 = /^[0-9a-f]{64}$/;

export function validateEvidence(evidence: ConsentEvidence, field: string): void {
  if (evidence.sha256 !== undefined && !SHA256.test(evidence.sha256)) {
    throw invalid('CONSENT.INVALID_EVIDENCE_HASH', `${field}.sha256 must be 64 lowercase hex digits (the SHA-256 of the document)`);
  }
  if (evidence.sha256 !== undefined && isBlank(evidence.reference)) {
    throw invalid('CONSENT.EVIDENCE_REFERENCE_REQUIRED', `${field}.sha256 fingerprints a document: name it in ${field}.reference`);
  }
}

export const cleanEvidence = (evidence: ConsentEvidence): ConsentEvidence => ({
  kind: evidence.kind,
  ...(evidence.reference !== undefined ? { reference: evidence.reference } : {}),
  ...(evidence.sha256 !== undefined ? { sha256: evidence.sha256 } : {}),
});

export function validateTerms(data: ConsentTerms, now: number): void {
  validateEvidence(data.evidence, 'evidence');
  const from = instant(data.validFrom, 'validFrom');
  if (data.validUntil !== undefined) {
    const until = instant(data.validUntil, 'validUntil');
    if (until <= from) throw invalid('CONSENT.INVALID_PERIOD', `validUntil ${data.validUntil} must be after validFrom ${data.validFrom}`);
    if (until <= now) throw invalid('CONSENT.ALREADY_EXPIRED', `validUntil ${data.validUntil} has already passed`);
  }
  if (data.recipients.length === 0) throw invalid('CONSENT.NO_RECIPIENTS', 'A consent must name at least one recipient');
  const badRecipient = data.recipients.find((r) =>
    'agency' in r ? typeof r.agency !== 'string' || isBlank(r.agency) : !(AGENCY_KINDS as readonly string[]).includes(r.agencyKind),
  );
  if (badRecipient) throw invalid('CONSENT.INVALID_RECIPIENT', `Not an agency id or known agency kind: ${JSON.stringify(badRecipient)}`);
  if (data.categories.length === 0) throw invalid('CONSENT.NO_CATEGORIES', 'A consent must name at least one data category');
  const unknownCategories = unknownValues(data.categories, DATA_CATEGORIES);
  if (unknownCategories.length > 0) throw invalid('CONSENT.UNKNOWN_CATEGORY', `Unknown data categories: ${unknownCategories.join(', ')}`);
  if (data.purposes.length === 0) throw invalid('CONSENT.NO_PURPOSES', 'A consent must name at least one purpose');
  const unknownPurposes = unknownValues(data.purposes, PURPOSES);
  if (unknownPurposes.length > 0) throw invalid('CONSENT.UNKNOWN_PURPOSE', `Unknown purposes: ${unknownPurposes.join(', ')}`);
  // A privacy officer must be able to see who spoke for the person.
  if (data.grantor.kind !== 'self' && isBlank(data.grantor.name)) {
    throw invalid('CONSENT.GUARDIAN_NAME_REQUIRED', `A ${data.grantor.kind} giving consent must be named`);
  }
  if (data.interpreterLanguage !== undefined && !data.interpreterUsed) {
    throw invalid('CONSENT.INTERPRETER_LANGUAGE_WITHOUT_INTERPRETER', 'interpreterLanguage is given but interpreterUsed is false');
  }
}
