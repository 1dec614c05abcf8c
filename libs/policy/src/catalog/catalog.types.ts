import type { AgencyKind, AssuranceLevel, DataCategory, Purpose } from '@samhandling/domain';

/**
 * Who may take the step that discloses: the disclosing agency pushing or referring
 * ("discloser"), the receiving agency reading ("recipient"), or either ("any").
 * §13 b no. 5, for example, serves the discloser's own task, so it never opens a pull read.
 */
export type Initiative = 'discloser' | 'recipient' | 'any';

export interface LegalBasisEntry {
  id: string;
  title: string;
  law: string;
  /** What the person is told in the access report. */
  plainLanguage: string;
  from: AgencyKind[] | '*';
  to: AgencyKind[] | '*';
  categories: DataCategory[] | '*';
  purposes: Purpose[] | '*';
  consentRequired: boolean;
  initiative: Initiative;
  /** The person's objection does not stop disclosures on this basis (duty to notify, emergency). */
  overridesObjection: boolean;
  justificationRequired: boolean;
  reviewRequired: boolean;
  /**
   * Recipient must already be involved with the person (has recorded something about them, or is
   * party to a referral about them): cooperating services, not every service of that kind.
   */
  requiresInvolvement?: boolean;
  /** Only records carrying this category qualify (the duty to notify concerns the concern itself). */
  requiresCategory?: DataCategory;
  /** Recipient must be in the municipality the person settles in. */
  sameMunicipality?: boolean;
  /** Off until configuration enables it (no statutory basis yet). */
  disabledUnlessEnabled?: boolean;
  effectiveFrom: string;
  effectiveTo?: string;
  /**
   * Consent entry only: per level of evidence, the categories a discloser that neither recorded
   * nor confirmed a consent may still disclose on it. Everything else needs its confirmation.
   */
  reliesWithoutConfirmation?: Partial<Record<AssuranceLevel, DataCategory[]>>;
}

export interface CatalogVersion {
  version: string;
  description?: string;
  entries: LegalBasisEntry[];
}

/** An entry as cited: with the catalog version it came from. */
export interface CitedEntry extends LegalBasisEntry {
  version: string;
}
