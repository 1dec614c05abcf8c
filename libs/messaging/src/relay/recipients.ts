import { consentStatusAt, DATA_CATEGORIES, PURPOSES, recipientCovers, type DataCategory, type Purpose } from '@samhandling/domain';
import {
  AgencyPolicy, COORDINATION_CATEGORIES, COORDINATION_PURPOSES, type AgencyRef, type Basis, type DisclosableRecord, type LegalBasisCatalog, type SubjectPolicyState,
} from '@samhandling/policy';
import { windowOf, type TrackedSubject } from './policy-tracker';

/** A recipient entitled to one event, with the purpose and bases the delivery is made on. */
export interface Grant {
  agency: AgencyRef;
  purpose: Purpose;
  bases: Basis[];
  reviewRequired: boolean;
}

/**
 * Purposes a push is tried under, in this fixed order; the first that permits every category of
 * the record wins, so the recorded purpose is deterministic. Emergency is left out: break-glass
 * is the recipient's initiative, justified and reviewed, never an automatic push.
 */
export const PUSH_PURPOSES: readonly Purpose[] = PURPOSES.filter((p) => p !== 'emergency');

const MAX_CACHED = 200_000;
const ALL_CATEGORIES = DATA_CATEGORIES;
const NONE: readonly Purpose[] = [];

/**
 * Decides who, besides the record's owners, may receive a record, with the discloser's initiative
 * at the instant the event entered the log.
 *
 * Decisions are cached, without changing any: a decision depends only on the agency, the
 * record's labels, the person's facts that concern that agency (TrackedSubject.factsFor: consents
 * naming it, referrals to it, municipality, whether it is involved with the person) and which side of every time boundary `at` falls on —
 * catalog entries' effective dates and those consents' validity and withdrawal instants. The cache
 * key holds exactly those, so a hit returns what AgencyPolicy would have answered, and people
 * whose facts do not concern an agency share its policies.
 */
export class Recipients {
  private readonly catalogBoundaries: number[];
  private readonly grants = new Map<string, Omit<Grant, 'agency'> | null>();
  private readonly policies = new Map<string, AgencyPolicy>();
  private readonly kinds: Map<string, AgencyRef['kind']>;
  private readonly legalCategories = new Map<string, ReadonlyArray<ReadonlySet<DataCategory>>>();

  constructor(private readonly catalog: LegalBasisCatalog, private readonly agencies: readonly AgencyRef[]) {
    this.kinds = new Map(agencies.map((a) => [a.id, a.kind]));
    const instants = new Set<number>();
    for (const e of catalog.current()) {
      instants.add(Date.parse(e.effectiveFrom));
      if (e.effectiveTo !== undefined) instants.add(Date.parse(e.effectiveTo));
    }
    this.catalogBoundaries = [...instants].sort((a, b) => a - b);
  }

  /** Every directory agency other than the owners that may receive the record, in directory order. */
  of(subject: TrackedSubject, record: DisclosableRecord, owners: readonly string[], at: string): Grant[] {
    if (record.categories.length === 0) return [];
    const t = Date.parse(at);
    const catalogWindow = windowOf(this.catalogBoundaries, t);
    const labels = `${record.kind}|${record.ownerAgency}|${record.categories.join(',')}|${record.referralId ?? ''}|${record.consentId ?? ''}`;
    const result: Grant[] = [];
    for (const agency of this.agencies) {
      if (owners.includes(agency.id)) continue;
      const purposes = this.possiblePurposes(subject, record, agency, at, catalogWindow);
      if (purposes.length === 0) continue;
      const facts = subject.factsFor(agency);
      const window = `${agency.id}|${facts.signature}|${catalogWindow}.${windowOf(facts.boundaries, t)}`;
      const key = `${window}|${labels}`;
      let grant = this.grants.get(key);
      if (grant === undefined) {
        grant = this.decide(subject, record, agency, at, window, purposes);
        if (this.grants.size >= MAX_CACHED) this.grants.clear();
        this.grants.set(key, grant);
      }
      if (grant) result.push({ agency, ...grant });
    }
    return result;
  }

  /**
   * The push purposes under which some rule could give `agency` every category of the record —
   * a necessary condition checked without building a policy, from the same facts AgencyPolicy
   * reads, each side loosened (legal entries without their municipality, involvement and
   * requiresCategory conditions; consents, the coordination and referral rules as they stand).
   * What it excludes AgencyPolicy would refuse; what it keeps AgencyPolicy decides.
   */
  private possiblePurposes(subject: TrackedSubject, record: DisclosableRecord, agency: AgencyRef, at: string, catalogWindow: number): readonly Purpose[] {
    const state = subject.state;
    if (record.kind === 'referral' && record.referralId !== undefined && state.referrals[record.referralId]?.to === agency.id) return PUSH_PURPOSES;
    const legal = this.legalCategoriesFor(agency.kind, this.kinds.get(record.ownerAgency), at, catalogWindow);
    const coordinator = state.coordinator?.agency === agency.id;
    let namingMe: Array<[string, SubjectPolicyState['consent']['consents'][string]]> | undefined;
    let out: Purpose[] | undefined;
    for (let i = 0; i < PUSH_PURPOSES.length; i++) {
      const purpose = PUSH_PURPOSES[i];
      const allowed = legal[i];
      let possible = true;
      for (const c of record.categories) {
        if (allowed.has(c) || (coordinator && COORDINATION_PURPOSES.includes(purpose) && COORDINATION_CATEGORIES.includes(c))) continue;
        namingMe ??= Object.entries(state.consent.consents).filter(([, k]) => k.decision === 'permit' && k.recipients.some((r) => recipientCovers(r, agency.id, agency.kind)));
        if (record.kind === 'consent' && namingMe.some(([id]) => id === record.consentId)) return PUSH_PURPOSES;
        if (!namingMe.some(([, k]) => k.categories.includes(c) && k.purposes.includes(purpose) && consentStatusAt(k, at) === 'active')) {
          possible = false;
          break;
        }
      }
      if (possible) (out ??= []).push(purpose);
    }
    return out ?? NONE;
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

  private decide(subject: TrackedSubject, record: DisclosableRecord, agency: AgencyRef, at: string, window: string, purposes: readonly Purpose[]): Omit<Grant, 'agency'> | null {
    for (const purpose of purposes) {
      const key = `${window}|${purpose}`;
      let policy = this.policies.get(key);
      if (!policy) {
        policy = AgencyPolicy.build(this.catalog, { requester: agency, state: subject.state, purpose, at, initiative: 'discloser', agencies: this.agencies });
        if (this.policies.size >= MAX_CACHED / 10) this.policies.clear();
        this.policies.set(key, policy);
      }
      const decision = policy.decide(record);
      if (decision.allowed) return { purpose, bases: decision.bases, reviewRequired: decision.reviewRequired };
    }
    return null;
  }
}
