import { recipientCovers, type DataCategory } from '@samhandling/domain';
import type { RecordedEvent } from '@samhandling/event-store';
import { evolveSubjectPolicy, initialSubjectPolicyState, policySubjectOf, type AgencyRef, type SubjectPolicyState } from '@samhandling/policy';

/** A referral's parties, from its ReferralSent: later referral events carry only the referral id. */
export interface Route {
  subjectId: string;
  from: string;
  to: string;
  categories: DataCategory[];
}

/** One person's policy facts, as the decision cache needs them. */
export interface TrackedSubject {
  state: SubjectPolicyState;
  /**
   * What AgencyPolicy.build reads from the state when the requester is `agency`: the consents that
   * name it (by id or kind), the referrals sent to it, and the municipality of residence, whether it is involved with the person. As an
   * interned number, so that people whose facts are equal for that agency — typically none at all —
   * share its cached policies; with the sorted instants at which one of those consents changes
   * status (becomes valid, expires, is withdrawn).
   */
  factsFor(agency: AgencyRef): AgencyFacts;
}

export interface AgencyFacts {
  signature: number;
  boundaries: number[];
}

/**
 * The relay's in-memory view of the log's policy facts: per-subject policy state (the same fold
 * as the policy-state projection) and referral routes. Fed every event in log order, before the
 * event is decided, so each decision sees the state at its own point of the log.
 */
export class PolicyTracker {
  private readonly subjects = new Map<string, TrackedSubject>();
  private readonly routes = new Map<string, Route>();
  private readonly signatures = new Map<string, number>();
  private nextSignature = 1;
  private empty?: TrackedSubject;

  apply(event: RecordedEvent): void {
    if (event.type === 'ReferralSent') {
      const d = event.data as { referralId: string; subjectId: string; from: string; to: string; categories?: DataCategory[] };
      this.routes.set(d.referralId, { subjectId: d.subjectId, from: d.from, to: d.to, categories: d.categories ?? [] });
    }
    const subjectId = policySubjectOf(event);
    if (subjectId === undefined) return;
    const tracked = this.subjects.get(subjectId);
    const previous = tracked?.state ?? initialSubjectPolicyState(subjectId);
    const next = evolveSubjectPolicy(previous, event);
    // Most events (contacts of services already involved) change no fact policy reads: keep the
    // tracked subject, and with it the facts already worked out for each agency.
    if (tracked && samePolicyFacts(previous, next)) return;
    this.subjects.set(subjectId, this.track(next));
  }

  /**
   * The person's facts. People without any share one empty state: AgencyPolicy reads facts, never
   * the subject id, so only people with consents, referrals or a residence take memory.
   */
  subject(subjectId: string): TrackedSubject {
    return this.subjects.get(subjectId) ?? (this.empty ??= this.track(initialSubjectPolicyState('')));
  }

  route(referralId: string): Route | undefined {
    return this.routes.get(referralId);
  }

  private track(state: SubjectPolicyState): TrackedSubject {
    const perAgency = new Map<string, AgencyFacts>();
    return {
      state,
      factsFor: (agency) => {
        let facts = perAgency.get(agency.id);
        if (!facts) perAgency.set(agency.id, (facts = this.facts(state, agency)));
        return facts;
      },
    };
  }

  private facts(state: SubjectPolicyState, agency: AgencyRef): AgencyFacts {
    const consents = Object.entries(state.consent.consents).filter(([, c]) => c.recipients.some((r) => recipientCovers(r, agency.id, agency.kind)));
    const referrals = Object.entries(state.referrals).filter(([, r]) => r.to === agency.id);
    // A digest keeps the intern table small; SHA-256 makes two different facts sharing one impossible in practice.
    const involved = state.involved?.[agency.id] === true;
    const coordinating = state.coordinator?.agency === agency.id ? state.coordinator.basis : null;
    const key = JSON.stringify([consents, referrals, state.residenceMunicipality ?? null, involved, coordinating]);
    let signature = this.signatures.get(key);
    if (signature === undefined) {
      // Numbers are never reused, so forgetting the table (bounded memory) only costs cache hits.
      if (this.signatures.size >= MAX_SIGNATURES) this.signatures.clear();
      signature = this.nextSignature++;
      this.signatures.set(key, signature);
    }
    const instants = new Set<number>();
    for (const [, c] of consents) for (const t of [c.validFrom, c.validUntil, c.withdrawnAt]) if (t !== undefined) instants.add(Date.parse(t));
    return { signature, boundaries: [...instants].filter((t) => !Number.isNaN(t)).sort((a, b) => a - b) };
  }
}

const MAX_SIGNATURES = 100_000;

/** Whether two states agree on every fact AgencyPolicy reads (the log position aside). */
function samePolicyFacts(a: SubjectPolicyState, b: SubjectPolicyState): boolean {
  return a.consent === b.consent && a.referrals === b.referrals && a.involved === b.involved
    && a.residenceMunicipality === b.residenceMunicipality && a.coordinator === b.coordinator;
}

/** How many of the sorted instants are at or before `t`: the validity window `t` falls in. */
export function windowOf(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
