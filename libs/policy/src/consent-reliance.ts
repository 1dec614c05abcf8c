import { recipientCovers, type AgencyKind, type ConsentRecord, type DataCategory } from '@samhandling/domain';
import type { LegalBasisCatalog } from './catalog/legal-basis-catalog';

/**
 * Who can rely on one permit consent for their own records. Consent lifts the *discloser's* duty
 * of confidentiality, so it counts for an agency's records only if that agency can rely on it:
 * it recorded the consent, it confirmed it after checking the evidence, or the evidence is of a
 * level the catalog accepts for that category without confirmation. A consent whose recorder
 * names itself among the recipients is one an agency could give itself, so its evidence counts
 * for nobody else: it waits for each other discloser's confirmation.
 */
export interface Reliance {
  /** Categories every discloser may disclose on it without confirming, save those that rejected it. */
  assured: readonly DataCategory[];
  /** Disclosers that rely on it for every category it names: its recorder and each that confirmed it. */
  reliers: readonly string[];
  /** Disclosers that said they will not rely on it. */
  rejecters: readonly string[];
}

export interface KnownAgency {
  id: string;
  kind: AgencyKind;
}

export function relianceOn(consent: ConsentRecord, catalog: LegalBasisCatalog, agencies: readonly KnownAgency[]): Reliance {
  const reliers: string[] = consent.recordedBy !== undefined ? [consent.recordedBy] : [];
  const rejecters: string[] = [];
  for (const [agency, answer] of Object.entries(consent.confirmations ?? {})) (answer === 'confirmed' ? reliers : rejecters).push(agency);
  const assured = namesItsRecorder(consent, agencies) ? [] : catalog.reliedWithoutConfirmation(consent.assurance).filter((c) => consent.categories.includes(c));
  return { assured, reliers, rejecters };
}

/** Whether `owner` may disclose its records of `category` on the consent. */
export function canRelyOn(reliance: Reliance, owner: string, category: DataCategory): boolean {
  return reliance.reliers.includes(owner) || (reliance.assured.includes(category) && !reliance.rejecters.includes(owner));
}

/** A recorder without a known agency (a state folded before provenance was kept) counts as naming itself. */
export function namesItsRecorder(consent: ConsentRecord, agencies: readonly KnownAgency[]): boolean {
  if (consent.recordedBy === undefined) return true;
  const kind = agencies.find((a) => a.id === consent.recordedBy)?.kind;
  return consent.recipients.some((r) => recipientCovers(r, consent.recordedBy!, kind));
}
