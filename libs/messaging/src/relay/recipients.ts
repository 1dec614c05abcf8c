import { PURPOSES, type Purpose } from '@samhandling/domain';
import { AgencyPolicy, type AgencyRef, type Basis, type DisclosableRecord, type LegalBasisCatalog } from '@samhandling/policy';
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

  constructor(private readonly catalog: LegalBasisCatalog, private readonly agencies: readonly AgencyRef[]) {
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
      const facts = subject.factsFor(agency);
      const window = `${agency.id}|${facts.signature}|${catalogWindow}.${windowOf(facts.boundaries, t)}`;
      const key = `${window}|${labels}`;
      let grant = this.grants.get(key);
      if (grant === undefined) {
        grant = this.decide(subject, record, agency, at, window);
        if (this.grants.size >= MAX_CACHED) this.grants.clear();
        this.grants.set(key, grant);
      }
      if (grant) result.push({ agency, ...grant });
    }
    return result;
  }

  private decide(subject: TrackedSubject, record: DisclosableRecord, agency: AgencyRef, at: string, window: string): Omit<Grant, 'agency'> | null {
    for (const purpose of PUSH_PURPOSES) {
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
