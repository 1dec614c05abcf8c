import { DATA_CATEGORIES, PURPOSES, type ConsentStatus, type DataCategory, type Purpose } from '@samhandling/domain';
import {
  AgencyPolicy, COORDINATION_CATEGORIES, COORDINATION_PURPOSES, mayBePartial, ownsContent, partialCategories, type AgencyRef, type Basis, type Decision, type DisclosableRecord, type LegalBasisCatalog,
} from '@samhandling/policy';
import { statusAt, type AgencyFacts, type TrackedSubject } from './policy-tracker';

/** A recipient entitled to one event, with the purpose and bases the delivery is made on. */
export interface Grant {
  agency: AgencyRef;
  purpose: Purpose;
  /**
   * The categories delivered: the record's own, or — a contact only part of which a basis permits
   * (partialCategories: a concern on a health contact, to child welfare) — the permitted ones.
   */
  categories: DataCategory[];
  bases: Basis[];
  reviewRequired: boolean;
}

/**
 * Purposes a push is tried under, in this fixed order after any the event itself prefers (a
 * referral's declared purpose, see preferredPurposes); the first that permits every category of
 * the record wins, so the recorded purpose is deterministic. Where none does, the first that
 * permits a part that may go alone (partialCategories) wins, and that part is delivered. Mostly only a purpose the basis itself
 * names can permit; where several do, or the basis names none (a referral), the event's preference decides. Emergency is left out: break-glass
 * is the recipient's initiative, justified and reviewed, never an automatic push.
 */
export const PUSH_PURPOSES: readonly Purpose[] = PURPOSES.filter((p) => p !== 'emergency');

const MAX_CACHED = 200_000;
const ALL_CATEGORIES = DATA_CATEGORIES;
const NONE: readonly Purpose[] = [];
const STATUS_CODE: Readonly<Record<ConsentStatus, string>> = { active: 'a', not_yet_valid: 'n', expired: 'e', withdrawn: 'w' };
/** positionOf: the record names no referral (or consent) at all. */
const ABSENT = -2;
/** positionOf: it names one, but not one of the agency's. */
const NOT_THEIRS = -1;

/**
 * A basis as cached: as it stands (legal, own), or, where it cites the person's consent,
 * referral or coordinator designation, how to cite another person's at the same position.
 */
type BasisTemplate = Basis | ((facts: AgencyFacts) => Basis);

/** A grant with the person taken out; `fixed` is the grant itself when no basis cites anything of theirs. */
interface GrantTemplate {
  purpose: Purpose;
  categories: DataCategory[];
  bases: BasisTemplate[];
  reviewRequired: boolean;
  fixed?: Omit<Grant, 'agency'>;
}

/** A policy, with the facts of the person it was built for: its rules and bases hold their ids. */
interface BuiltPolicy {
  policy: AgencyPolicy;
  builtFor: AgencyFacts;
}

/**
 * Decides who, besides the record's owners, may receive a record, with the discloser's initiative
 * at the instant the event entered the log.
 *
 * Decisions are cached without changing any. For one agency AgencyPolicy reads: the catalog
 * entries in force at `at`, the same all through a catalog window (between two of the catalog's
 * effective dates); of the person, what AgencyFacts.shape holds and the status at `at` of each
 * consent naming the agency; of the record, its kind, owner and categories, and its referral and
 * consent ids, only to compare them with the ids of the agency's referrals and naming consents.
 * The key holds all of that, those ids as their position among the agency's (or none). People
 * with one key get the same rules in the same order but for their ids, which correspond one to one
 * by position (ids are keys of a person's state, so distinct). So a policy built for one person
 * answers for another when asked about the record as if it were the builder's (asBuilders), and a
 * decision is cached with the builder's consents, referrals and designation taken out
 * (GrantTemplate), each grant citing the asker's own. Consent ids and instants are not in the key,
 * so people who gave the same kind of consent share one policy per agency, purpose and statuses.
 */
export class Recipients {
  private readonly catalogBoundaries: number[];
  private readonly grants = new Map<string, GrantTemplate | null>();
  private readonly policies = new Map<string, BuiltPolicy>();
  private readonly kinds: Map<string, AgencyRef['kind']>;
  private readonly legalCategories = new Map<string, ReadonlyArray<ReadonlySet<DataCategory>>>();

  constructor(readonly catalog: LegalBasisCatalog, private readonly agencies: readonly AgencyRef[]) {
    this.kinds = new Map(agencies.map((a) => [a.id, a.kind]));
    const instants = new Set<number>();
    for (const e of catalog.current()) {
      instants.add(Date.parse(e.effectiveFrom));
      if (e.effectiveTo !== undefined) instants.add(Date.parse(e.effectiveTo));
    }
    this.catalogBoundaries = [...instants].sort((a, b) => a - b);
  }

  /**
   * Every directory agency other than the owners that may receive the record, in directory order.
   * `preferred` purposes are tried first, in their order, then the rest of PUSH_PURPOSES.
   */
  of(subject: TrackedSubject, record: DisclosableRecord, owners: readonly string[], at: string, preferred: readonly Purpose[] = NONE): Grant[] {
    if (record.categories.length === 0) return [];
    const t = Date.parse(at);
    const catalogWindow = windowOf(this.catalogBoundaries, t);
    // JSON, so that no owner or category can run into the next field.
    const labels = JSON.stringify([record.kind, record.ownerAgency, record.categories, preferred]);
    const result: Grant[] = [];
    for (const agency of this.agencies) {
      if (owners.includes(agency.id)) continue;
      const facts = subject.factsFor(agency);
      let statuses = '';
      for (const c of facts.consents) statuses += STATUS_CODE[statusAt(c, t, at)];
      const referral = positionOf(facts.referrals, record.referralId);
      const consent = positionOf(facts.consents, record.consentId);
      // The shape names the agency, so keys of different agencies differ.
      const policyKey = `${facts.shape}|${catalogWindow}|${statuses}`;
      const key = `${policyKey}|${labels}|${referral}|${consent}`;
      let grant = this.grants.get(key);
      if (grant === undefined) {
        const possible = this.possiblePurposes(subject, facts, record, agency, at, t, catalogWindow, referral, consent);
        const full = inOrder(preferred, possible.full);
        const partial = inOrder(preferred, possible.partial);
        grant = full.length === 0 && partial.length === 0 ? null : this.decide(subject, facts, record, agency, at, policyKey, referral, consent, full, partial);
        if (this.grants.size >= MAX_CACHED) this.grants.clear();
        this.grants.set(key, grant);
      }
      if (grant) result.push({ agency, ...(grant.fixed ?? instantiate(grant, facts)) });
    }
    return result;
  }

  /**
   * The push purposes under which some rule could give `agency` every category of the record
   * (`full`), or at least one category that owns content of its own, where the record may go in part
   * (`partial`, see partialCategories) — necessary conditions checked without building a policy,
   * from the same facts AgencyPolicy reads, each side loosened (legal entries without their
   * municipality, involvement and requiresCategory conditions; consents, the coordination and
   * referral rules as they stand). What they exclude AgencyPolicy would refuse; what they keep AgencyPolicy decides.
   */
  private possiblePurposes(
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

  private decide(
    subject: TrackedSubject, facts: AgencyFacts, record: DisclosableRecord, agency: AgencyRef, at: string, policyKey: string, referral: number, consent: number,
    full: readonly Purpose[], partial: readonly Purpose[],
  ): GrantTemplate | null {
    const decideUnder = (purpose: Purpose) => {
      const key = `${policyKey}|${purpose}`;
      let built = this.policies.get(key);
      if (!built) {
        built = { policy: AgencyPolicy.build(this.catalog, { requester: agency, state: subject.state, purpose, at, initiative: 'discloser', agencies: this.agencies }), builtFor: facts };
        if (this.policies.size >= MAX_CACHED / 10) this.policies.clear();
        this.policies.set(key, built);
      }
      return { decision: built.policy.decide(built.builtFor === facts ? record : asBuilders(record, built.builtFor, referral, consent)), builtFor: built.builtFor };
    };
    for (const purpose of full) {
      const { decision, builtFor } = decideUnder(purpose);
      if (decision.allowed) return template(purpose, record.categories, decision, builtFor);
    }
    // Nothing gives the whole record: the first purpose giving a part that may go alone.
    for (const purpose of partial) {
      const { decision, builtFor } = decideUnder(purpose);
      const part = partialCategories(record, decision);
      if (part) return template(purpose, part, decision, builtFor);
    }
    return null;
  }
}

/** The possible purposes, the preferred first (in their order), then the others in PUSH_PURPOSES order. */
function inOrder(preferred: readonly Purpose[], possible: readonly Purpose[]): readonly Purpose[] {
  if (preferred.length === 0 || possible.length === 0) return possible;
  const first = preferred.filter((p, i) => possible.includes(p) && preferred.indexOf(p) === i);
  return [...first, ...possible.filter((p) => !first.includes(p))];
}

/** Where `id` is among the agency's consents or referrals: ABSENT, NOT_THEIRS or its position. */
function positionOf(list: ReadonlyArray<{ id: string }>, id: string | undefined): number {
  if (id === undefined) return ABSENT;
  for (let i = 0; i < list.length; i++) if (list[i].id === id) return i;
  return NOT_THEIRS;
}

/**
 * The record as the policy's builder would have it: a referral or consent of the asking person's
 * at a position becomes the builder's at that position; one not among the agency's becomes an id
 * none of the builder's equals. Policy conditions compare these ids only with the agency's own.
 */
function asBuilders(record: DisclosableRecord, builtFor: AgencyFacts, referral: number, consent: number): DisclosableRecord {
  const out = { ...record };
  if (referral !== ABSENT) out.referralId = referral >= 0 ? builtFor.referrals[referral].id : unlike(builtFor.referrals);
  if (consent !== ABSENT) out.consentId = consent >= 0 ? builtFor.consents[consent].id : unlike(builtFor.consents);
  return out;
}

const unlike = (list: ReadonlyArray<{ id: string }>): string => {
  let id = '\u0000';
  while (list.some((x) => x.id === id)) id += '\u0000';
  return id;
};

/** The decision with the builder taken out: its consent and referral bases by position, its designation as "the coordinator's". */
function template(purpose: Purpose, categories: DataCategory[], decision: Decision, builtFor: AgencyFacts): GrantTemplate {
  const bases = decision.bases.map((basis) => basisTemplate(basis, builtFor));
  const { reviewRequired } = decision;
  if (bases.some((b) => typeof b === 'function')) return { purpose, categories, bases, reviewRequired };
  return { purpose, categories, bases, reviewRequired, fixed: { purpose, categories, bases: decision.bases, reviewRequired } };
}

function basisTemplate(basis: Basis, builtFor: AgencyFacts): BasisTemplate {
  switch (basis.kind) {
    case 'consent': {
      const i = positionOf(builtFor.consents, basis.consentId);
      if (i < 0) throw new Error(`A policy cites consent ${basis.consentId}, which does not name its agency`);
      return (facts) => ({ ...basis, consentId: facts.consents[i].id });
    }
    case 'referral': {
      const i = positionOf(builtFor.referrals, basis.referralId);
      if (i < 0) throw new Error(`A policy cites referral ${basis.referralId}, which was not sent to its agency`);
      // Through JSON, as AgencyPolicy gives its bases (reasons are JSON): nothing shared with the state.
      return (facts) => JSON.parse(JSON.stringify({ ...basis, referralId: facts.referrals[i].id, referralBasis: facts.referrals[i].basis })) as Basis;
    }
    case 'coordination':
      return (facts) => JSON.parse(JSON.stringify({ ...basis, designationBasis: facts.designation })) as Basis;
    default:
      return basis;
  }
}

function instantiate(grant: GrantTemplate, facts: AgencyFacts): Omit<Grant, 'agency'> {
  return { purpose: grant.purpose, categories: grant.categories, bases: grant.bases.map((b) => (typeof b === 'function' ? b(facts) : b)), reviewRequired: grant.reviewRequired };
}

/** How many of the sorted instants are at or before `t`: the window between boundaries `t` falls in. */
function windowOf(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
