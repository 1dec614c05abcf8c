import { isSpecialCategory, type DataCategory } from '@samhandling/domain';
import { shownContentFields, type AgencyPolicy, type Basis, type DenialReason, type DisclosableRecord } from '@samhandling/policy';

/** One item of a projection that was returned, and why it could be. */
export interface DisclosedItem {
  /** Where in the response, e.g. `contacts/<id>` or `contacts/<id>#metadata`. */
  path: string;
  record: DisclosableRecord;
  categories: DataCategory[];
  bases: Basis[];
}

/** Collects what a view returns and refuses, for the disclosure record and the denial reason. */
export class Disclosing {
  readonly disclosed: DisclosedItem[] = [];
  readonly denials: DenialReason[] = [];
  readonly withheldCategories = new Set<DataCategory>();

  constructor(readonly policy: AgencyPolicy) {}

  /** The item in full if every category is allowed, else nothing. */
  full<T>(path: string, record: DisclosableRecord, value: T): (T & { bases: string[] }) | undefined {
    const decision = this.policy.decide(record);
    if (!decision.allowed) return this.refuse(record, decision.denial);
    this.disclosed.push({ path, record, categories: record.categories, bases: decision.bases });
    return { ...value, bases: decision.bases.map(describe) };
  }

  /**
   * The item in full if allowed; otherwise its metadata when that much is allowed — the
   * contact_log category plus any special category (a contact with the health service is itself
   * health information) — with the content fields named as redacted.
   */
  fullOrMetadata<T extends object, M extends object>(
    path: string, record: DisclosableRecord, value: T, metadata: M, contentFields: readonly string[], metaCategories = metadataCategories(record.categories),
  ) {
    const decision = this.policy.decide(record);
    if (decision.allowed) {
      this.disclosed.push({ path, record, categories: record.categories, bases: decision.bases });
      return { ...value, bases: decision.bases.map(describe) };
    }
    const meta = this.policy.decide({ ...record, categories: metaCategories });
    if (!meta.allowed) {
      if (decision.permittedCategories.length === 0) return this.refuse(record, decision.denial ?? meta.denial);
      // Partly permitted (a concern on a health contact, to child welfare): redacted, not dropped.
      const permitted = decision.permittedCategories;
      const shown = shownContentFields(contentFields, permitted);
      this.disclosed.push({ path: `${path}#${permitted.join('+')}`, record: { ...record, categories: permitted }, categories: permitted, bases: decision.bases });
      const content = Object.fromEntries(shown.map((f) => [f, (value as Record<string, unknown>)[f]]));
      return { ...metadata, ...content, categories: permitted, redacted: contentFields.filter((f) => !shown.includes(f)), bases: decision.bases.map(describe) };
    }
    this.disclosed.push({ path: `${path}#metadata`, record: { ...record, categories: metaCategories }, categories: metaCategories, bases: meta.bases });
    const shown = record.categories.filter((c) => decision.permittedCategories.includes(c) || metaCategories.includes(c));
    return { ...metadata, categories: shown, redacted: contentFields, bases: meta.bases.map(describe) };
  }

  private refuse(record: DisclosableRecord, reason: DenialReason | undefined): undefined {
    this.denials.push(reason ?? 'no_basis');
    for (const c of record.categories) this.withheldCategories.add(c);
    return undefined;
  }
}

export const metadataCategories = (categories: readonly DataCategory[]): DataCategory[] =>
  ['contact_log', ...categories.filter((c) => isSpecialCategory(c))] as DataCategory[];

/** How a basis is cited in a response: short, stable, and resolvable in the catalog. */
export function describe(basis: Basis): string {
  switch (basis.kind) {
    case 'own': return 'own-record';
    case 'legal': return `legal:${basis.entryId}@${basis.version}`;
    case 'consent': return `consent:${basis.consentId}`;
    case 'referral': return `referral:${basis.referralId}`;
    case 'coordination': return `coordination:${basis.agency}`;
  }
}

/** The most telling reason among refusals: a withdrawn, expired or not yet valid consent says more than none. */
export function strongestDenial(denials: readonly DenialReason[]): DenialReason {
  for (const reason of ['consent_withdrawn', 'consent_expired', 'consent_not_yet_valid', 'consent_not_confirmed', 'objection'] as const) if (denials.includes(reason)) return reason;
  return 'no_basis';
}
