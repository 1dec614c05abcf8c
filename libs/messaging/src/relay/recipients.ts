import type { ConsentStatus, Purpose } from '@samhandling/domain';
import { AgencyPolicy, partialCategories, type AgencyRef, type DisclosableRecord, type LegalBasisCatalog } from '@samhandling/policy';
import { asBuilders, instantiate, positionOf, template, type Grant, type GrantTemplate } from './grant-templates';
import { statusAt, type AgencyFacts, type TrackedSubject } from './policy-tracker';
import { inOrder, NONE, PossiblePurposes } from './push-purposes';

export type { Grant } from './grant-templates';
export { PUSH_PURPOSES } from './push-purposes';

const MAX_CACHED = 200_000;
const STATUS_CODE: Readonly<Record<ConsentStatus, string>> = { active: 'a', not_yet_valid: 'n', expired: 'e', withdrawn: 'w' };

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
  private readonly possiblePurposes: PossiblePurposes;

  constructor(readonly catalog: LegalBasisCatalog, private readonly agencies: readonly AgencyRef[]) {
    this.possiblePurposes = new PossiblePurposes(catalog, agencies);
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
        const possible = this.possiblePurposes.of(subject, facts, record, agency, at, t, catalogWindow, referral, consent);
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
