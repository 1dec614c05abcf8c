import { DATA_CATEGORIES, PURPOSES, type DataCategory, type Purpose } from '@samhandling/domain';
import {
  COORDINATION_CATEGORIES, COORDINATION_PURPOSES, mayBePartial, ownsContent, type AgencyRef, type DisclosableRecord, type LegalBasisCatalog,
} from '@samhandling/policy';
import { statusAt, type AgencyFacts, type TrackedSubject } from './policy-tracker';

/**
 * Purposes a push is tried under, in this fixed order after any the event itself prefers (a
 * referral's declared purpose, see preferredPurposes); the first that permits every category of
 * the record wins, so the recorded purpose is deterministic. Where none does, the first that
 * permits a part that may go alone (partialCategories) wins, and that part is delivered. Mostly only a purpose the basis itself
 * names can permit; where several do, or the basis names none (a referral), the event's preference decides. Emergency is left out: break-glass
 * is the recipient's initiative, justified and reviewed, never an automatic push.
 */
export const PUSH_PURPOSES: readonly Purpose[] = PURPOSES.filter((p) => p !== 'emergency');

const ALL_CATEGORIES = DATA_CATEGORIES;
export const NONE: readonly Purpose[] = [];

/** The possible purposes, the preferred first (in their order), then the others in PUSH_PURPOSES order. */
export function inOrder(preferred: readonly Purpose[], possible: readonly Purpose[]): readonly Purpose[] {
  if (preferred.length === 0 || possible.length === 0) return possible;
  const first = preferred.filter((p, i) => possible.includes(p) && preferred.indexOf(p) === i);
  return [...first, ...possible.filter((p) => !first.includes(p))];
}

/**
 * The push purposes that could permit a record for an agency, found from the facts AgencyPolicy
 * reads without building one; the legal categories per purpose are cached by kinds and catalog window.
 */
export class PossiblePurposes {
  private readonly kinds: Map<string, AgencyRef['kind']>;
  private readonly legalCategories = new Map<string, ReadonlyArray<ReadonlySet<DataCategory>>>();

  constructor(private readonly catalog: LegalBasisCatalog, agencies: readonly AgencyRef[]) {
    this.kinds = new Map(agencies.map((a) => [a.id, a.kind]));
  }

  /**
   * The push purposes under which some rule could give `agency` every category of the record
   * (`full`), or at least one category that owns content of its own, where the record may go in part
   * (`partial`, see partialCategories) — necessary conditions checked without building a policy,
   * from the same facts AgencyPolicy reads, each side loosened (legal entries without their
   * municipality, involvement and requiresCategory conditions; consents, the coordination and
   * referral rules as they stand). What they exclude AgencyPolicy would refuse; what they keep AgencyPolicy decides.
   */
  of(
    subject: TrackedSubject, facts: AgencyFacts, record: DisclosableRecord, agency: AgencyRef, at: string, t: number, catalogWindow: number, referral: number, consent: number,
  ): { full: readonly Purpose[]; partial: readonly Purpose[] } {
    if (record.kind === 'referral' && referral >= 0) return { full: PUSH_PURPOSES, partial: NONE };
    if (record.kind === 'consent' && consent >= 0 && facts.consents[consent].consent.decision === 'permit') return { full: PUSH_PURPOSES, partial: NONE };
    const legal = this.legalCategoriesFor(agency.kind, this.kinds.get(record.ownerAgency), at, catalogWindow);
    const coordinator = subject.state.coordinator?.agency === agency.id;
    const inPart = mayBePartial(record);
    let full: Purpose[] | undefined;
    let partial: Purpose[] | undefined;
    for (let i = 0; i < PUSH_PURPOSES.length; i++) {
      const purpose = PUSH_PURPOSES[i];
      const allowed = legal[i];
      let all = true;
      let some = false;
      for (const c of record.categories) {
        const possible = allowed.has(c) || (coordinator && COORDINATION_PURPOSES.includes(purpose) && COORDINATION_CATEGORIES.includes(c))
          || facts.consents.some((k) => k.consent.decision === 'permit' && k.consent.categories.includes(c) && k.consent.purposes.includes(purpose) && statusAt(k, t, at) === 'active');
        if (possible && ownsContent(c)) some = true;
        if (!possible) {
          all = false;
          if (!inPart) break;
        }
      }
      if (all) (full ??= []).push(purpose);
      if (inPart && some) (partial ??= []).push(purpose);
    }
    return { full: full ?? NONE, partial: partial ?? NONE };
  }

  /**
   * Per push purpose (PUSH_PURPOSES order), the categories some enabled legal entry in force lets
   * an owner of `ownerKind` push to `toKind` (their other conditions aside).
   */
  private legalCategoriesFor(toKind: AgencyRef['kind'], ownerKind: AgencyRef['kind'] | undefined, at: string, catalogWindow: number): ReadonlyArray<ReadonlySet<DataCategory>> {
    const key = `${toKind}|${ownerKind ?? ''}|${catalogWindow}`;
    let perPurpose = this.legalCategories.get(key);
    if (!perPurpose) {
      perPurpose = PUSH_PURPOSES.map((purpose) => {
        const entries = this.catalog.applicable({ toKind, purpose, at, initiative: 'discloser' })
          .filter((e) => e.from === '*' || (ownerKind !== undefined && (e.from as readonly string[]).includes(ownerKind)));
        return new Set(entries.flatMap((e) => (e.categories === '*' ? ALL_CATEGORIES : e.categories)));
      });
      this.legalCategories.set(key, perPurpose);
    }
    return perPurpose;
  }
}
