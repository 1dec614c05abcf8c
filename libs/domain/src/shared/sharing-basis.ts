import { isBlank } from './validation';

/** Why something may be shared: a legal-basis catalog entry, or the person's consent. */
export type SharingBasis = { kind: 'legal'; entryId: string } | { kind: 'consent'; consentId: string };

/** Names a non-blank entry or consent. */
export function isSharingBasis(basis: SharingBasis | undefined): basis is SharingBasis {
  if (basis?.kind === 'legal') return !isBlank(basis.entryId);
  if (basis?.kind === 'consent') return !isBlank(basis.consentId);
  return false;
}

/** The basis rebuilt with only the fields of its kind, so nothing else reaches the log. */
export const sharingBasis = (basis: SharingBasis): SharingBasis =>
  basis.kind === 'legal' ? { kind: 'legal', entryId: basis.entryId } : { kind: 'consent', consentId: basis.consentId };
