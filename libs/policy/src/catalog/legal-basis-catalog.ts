import { AGENCY_KINDS, ASSURANCE_LEVELS, DATA_CATEGORIES, PURPOSES, type AgencyKind, type AssuranceLevel, type DataCategory, type Purpose } from '@samhandling/domain';
import { SIGNAL_CATEGORIES } from '../subject-policy-state';
import type { CatalogVersion, CitedEntry, Initiative, LegalBasisEntry } from './catalog.types';

export interface CatalogOptions {
  /** Entries marked disabledUnlessEnabled that configuration switches on. */
  enabled?: readonly string[];
  /** Version new decisions cite; defaults to the last one given. */
  current?: string;
}

export interface ApplicableQuery {
  /** Disclosing agency's kind; omit to get entries for any discloser (the caller conditions on it). */
  fromKind?: AgencyKind;
  toKind: AgencyKind;
  purpose: Purpose;
  at: string;
  initiative: Exclude<Initiative, 'any'>;
}

/**
 * The legal-basis catalog: versioned data, not code. Every version stays loaded so that a
 * disclosure recorded under an older version (before the Public Administration Act's
 * renumbering, say) can still be explained by the entry it cited.
 */
export class LegalBasisCatalog {
  private readonly versions = new Map<string, Map<string, CitedEntry>>();
  readonly currentVersion: string;
  private readonly enabled: ReadonlySet<string>;

  constructor(versions: readonly CatalogVersion[], options: CatalogOptions = {}) {
    if (versions.length === 0) throw new Error('The legal-basis catalog needs at least one version');
    for (const v of versions) this.versions.set(v.version, new Map(v.entries.map((e) => [e.id, { ...validateEntry(e, v.version), version: v.version }])));
    this.currentVersion = options.current ?? versions[versions.length - 1].version;
    if (!this.versions.has(this.currentVersion)) throw new Error(`Catalog version ${this.currentVersion} is not loaded`);
    this.enabled = new Set(options.enabled ?? []);
    for (const id of this.enabled) if (!this.current().some((e) => e.id === id)) throw new Error(`Cannot enable unknown catalog entry ${id}`);
  }

  /** An entry exactly as a past decision cited it. */
  cited(id: string, version: string): CitedEntry | undefined {
    return this.versions.get(version)?.get(id);
  }

  current(): CitedEntry[] {
    return [...this.currentEntries()];
  }

  private currentCache?: readonly CitedEntry[];
  private currentEntries(): readonly CitedEntry[] {
    return (this.currentCache ??= [...this.versions.get(this.currentVersion)!.values()]);
  }

  /** Categories a consent with evidence of `level` unlocks for a discloser that has not confirmed it (the current version's consent entry). */
  reliedWithoutConfirmation(level: AssuranceLevel | undefined): readonly DataCategory[] {
    if (level === undefined) return [];
    return this.currentEntries().find((e) => e.id === 'consent')?.reliesWithoutConfirmation?.[level] ?? [];
  }

  isEnabled(entry: LegalBasisEntry): boolean {
    return !entry.disabledUnlessEnabled || this.enabled.has(entry.id);
  }

  /** Entries of the current version that let `fromKind` disclose to `toKind` for `purpose` at `at`. */
  applicable(q: ApplicableQuery): CitedEntry[] {
    const at = Date.parse(q.at);
    return this.currentEntries().filter(
      (e) =>
        !e.consentRequired &&
        this.isEnabled(e) &&
        (e.initiative === 'any' || e.initiative === q.initiative) &&
        Date.parse(e.effectiveFrom) <= at &&
        (e.effectiveTo === undefined || at < Date.parse(e.effectiveTo)) &&
        covers(e.to, q.toKind) &&
        (q.fromKind === undefined || covers(e.from, q.fromKind)) &&
        covers(e.purposes, q.purpose),
    );
  }
}

export const covers = <T>(set: readonly T[] | '*', value: T): boolean => set === '*' || set.includes(value);
export const categoriesOf = (entry: LegalBasisEntry): readonly DataCategory[] => (entry.categories === '*' ? DATA_CATEGORIES : entry.categories);

function validateEntry(e: LegalBasisEntry, version: string): LegalBasisEntry {
  const where = `catalog ${version} entry ${JSON.stringify(e.id)}`;
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`${where}: ${what}`);
  };
  check(typeof e.id === 'string' && /^[a-z0-9-]+$/.test(e.id), 'id must be lower-case letters, digits and dashes');
  check(typeof e.title === 'string' && typeof e.law === 'string' && typeof e.plainLanguage === 'string', 'title, law and plainLanguage are required');
  const listOf = (v: unknown, known: readonly string[]) => v === '*' || (Array.isArray(v) && v.length > 0 && v.every((x) => known.includes(x)));
  check(listOf(e.from, AGENCY_KINDS) && listOf(e.to, AGENCY_KINDS), 'from/to must be "*" or agency kinds');
  check(listOf(e.categories, DATA_CATEGORIES), 'categories must be "*" or data categories');
  check(listOf(e.purposes, PURPOSES), 'purposes must be "*" or purposes');
  check(['discloser', 'recipient', 'any'].includes(e.initiative), 'initiative must be discloser, recipient or any');
  check(!Number.isNaN(Date.parse(e.effectiveFrom)), 'effectiveFrom must be a date');
  check(e.requiresCategory === undefined || SIGNAL_CATEGORIES.includes(e.requiresCategory), `requiresCategory must be one of ${SIGNAL_CATEGORIES.join(', ')} (the policy state tracks only those)`);
  check(e.effectiveTo === undefined || Date.parse(e.effectiveTo) > Date.parse(e.effectiveFrom), 'effectiveTo must follow effectiveFrom');
  const reliance = e.reliesWithoutConfirmation;
  check(reliance === undefined || (e.id === 'consent' && Object.entries(reliance).every(([level, cats]) =>
    (ASSURANCE_LEVELS as readonly string[]).includes(level) && Array.isArray(cats) && cats.every((c) => DATA_CATEGORIES.includes(c)))),
  'reliesWithoutConfirmation belongs to the consent entry and maps assurance levels to data categories');
  return e;
}
