import type { RecordedEvent } from '@samhandling/event-store';
import {
  eventPolicyOf, evolveSubjectPolicy, initialSubjectPolicyState, policySubjectOf, type LabelLookup, type RelayRoute, type SubjectPolicyState,
} from '@samhandling/policy';
import { FactShapes, sameFactsFor, samePolicyFacts, type AgencyFacts, type TrackedSubject } from './agency-facts';

export { statusAt, type AgencyFacts, type NamingConsent, type TrackedSubject } from './agency-facts';

/** A referral's parties, from its ReferralSent (declared in @samhandling/policy, which labels its events). */
export type Route = RelayRoute;

/**
 * A fact the tracker does not hold in memory and must load before the batch is decided: thrown
 * by a lazy tracker (never caught by planBatch's deny-by-default), so the relay loads it and
 * decides the batch again from the start, exactly as if it had been loaded beforehand.
 */
export class NotLoaded extends Error {
  constructor(readonly what: 'subject' | 'route', readonly id: string) {
    // The id stays a field: a message may reach a log, and a subject id names a person.
    super(`a ${what} the batch needs is not loaded`);
  }
}

export interface PolicyTrackerOptions {
  /**
   * Lazy: the tracker holds only what it was given (load / loadRoutes) or folded itself, and asks
   * for anything else by throwing NotLoaded. Unset (the default, for tests and replays from 0):
   * it has seen the whole log, so a person it does not hold has no policy facts.
   */
  lazy?: boolean;
  /** In a lazy tracker, how many people's states and referral routes it keeps (least recently used go first). */
  maxSubjects?: number;
  maxRoutes?: number;
}

/** What one batch changed: each person's last state in it, to persist with the batch's checkpoint. */
export type ChangedStates = ReadonlyMap<string, SubjectPolicyState>;

/**
 * The relay's view of the log's policy facts: per-subject policy state (the same fold as the
 * policy-state projection) and referral routes. Fed every event in log order, before the event is
 * decided, so each decision sees the state at its own point of the log.
 *
 * Lazy (the relay): a bounded cache over the states persisted with the relay's checkpoint. A batch
 * is folded into an overlay (begin … commit), so a batch that finds a state missing is dropped
 * whole (again) and decided again once it is loaded. A committed state stays pinned in the cache
 * until the checkpoint that persists it has committed (persisted): only a state the table holds as
 * it is may be evicted, so what is loaded later is always the latest.
 */
export class PolicyTracker implements LabelLookup {
  private readonly subjects = new Map<string, Tracked>();
  private readonly routes = new Map<string, Route>();
  private readonly shapes = new FactShapes();
  /** Per person, how many committed batches not yet persisted changed their state. */
  private readonly pinned = new Map<string, number>();
  private overlay?: Map<string, Tracked>;
  private empty?: Tracked;
  private readonly lazy: boolean;
  private readonly maxSubjects: number;
  private readonly maxRoutes: number;

  constructor(options: PolicyTrackerOptions = {}) {
    this.lazy = options.lazy ?? false;
    this.maxSubjects = options.maxSubjects ?? 10_000;
    this.maxRoutes = options.maxRoutes ?? 50_000;
  }

  apply(event: RecordedEvent): void {
    // A ReferralSent opens its referral's route (its type's declaration says so).
    const opened = eventPolicyOf(event.type)?.opensRoute?.(event.data);
    if (opened) this.rememberRoute(opened.referralId, opened.route);
    const subjectId = policySubjectOf(event);
    if (subjectId === undefined) return;
    const tracked = this.held(subjectId);
    const own = tracked === this.empty ? undefined : tracked;
    const previous = own?.state ?? initialSubjectPolicyState(subjectId);
    const next = evolveSubjectPolicy(previous, event);
    // Most events (contacts of services already involved) change no fact policy reads: keep the
    // tracked subject, and with it the facts already worked out for each agency.
    if (own && samePolicyFacts(previous, next)) return;
    (this.overlay ?? this.subjects).set(subjectId, this.track(next, own));
  }

  /**
   * The person's facts. People without any share one empty state: AgencyPolicy reads facts, never
   * the subject id, so only people with consents, referrals or a residence take memory.
   */
  subject(subjectId: string): TrackedSubject {
    return this.held(subjectId) ?? this.emptyState();
  }

  route(referralId: string): Route | undefined {
    const route = this.routes.get(referralId);
    if (route === undefined && this.lazy && !this.noRoute.has(referralId)) throw new NotLoaded('route', referralId);
    return route ?? undefined;
  }

  /**
   * Starts folding a batch (lazy trackers): its changes stay apart until commit, and nothing is
   * evicted meanwhile, so what is loaded for the batch stays until it is decided.
   */
  begin(): void {
    this.overlay = new Map();
  }

  /** Drops what the batch folded so far, to decide it again from its start (after loading what was missing). */
  again(): void {
    this.overlay = new Map();
  }

  /** Drops what the batch folded, and ends it. */
  abort(): void {
    this.overlay = undefined;
    this.evict();
  }

  /** Keeps what the batch folded, pinned until persisted; returns each changed person's state after the batch. */
  commit(): ChangedStates {
    const overlay = this.overlay ?? new Map<string, Tracked>();
    this.overlay = undefined;
    const changed = new Map<string, SubjectPolicyState>();
    for (const [id, tracked] of overlay) {
      this.subjects.delete(id);
      this.subjects.set(id, tracked);
      this.pinned.set(id, (this.pinned.get(id) ?? 0) + 1);
      changed.set(id, tracked.state);
    }
    this.evict();
    return changed;
  }

  /** The states a committed batch changed are now in the table as of its checkpoint: they may be evicted. */
  persisted(changed: ChangedStates): void {
    for (const id of changed.keys()) {
      const n = (this.pinned.get(id) ?? 1) - 1;
      if (n > 0) this.pinned.set(id, n);
      else this.pinned.delete(id);
    }
    this.evict();
  }

  /**
   * The people among `ids` the tracker does not hold (lazy trackers load these before deciding).
   * Those it holds count as just used: the cache evicts the least recently used first.
   */
  missing(ids: Iterable<string>): string[] {
    if (!this.lazy) return [];
    const out = new Set<string>();
    for (const id of ids) {
      const tracked = this.subjects.get(id);
      if (tracked === undefined) out.add(id);
      else {
        this.subjects.delete(id);
        this.subjects.set(id, tracked);
      }
    }
    return [...out];
  }

  /** Referral ids among `ids` whose route is not held. */
  missingRoutes(ids: Iterable<string>): string[] {
    if (!this.lazy) return [];
    const out = new Set<string>();
    for (const id of ids) if (!this.routes.has(id) && !this.noRoute.has(id)) out.add(id);
    return [...out];
  }

  /** Persisted states for `ids` (null: the person has no policy facts yet). Never replaces a state held. */
  load(states: ReadonlyMap<string, SubjectPolicyState | null>): void {
    for (const [id, state] of states) {
      if (this.subjects.has(id)) continue;
      this.subjects.set(id, state ? this.track(state) : this.emptyState());
    }
  }

  /** Routes read from their referral streams (undefined: no such referral). */
  loadRoutes(routes: ReadonlyMap<string, Route | undefined>): void {
    for (const [id, route] of routes) {
      if (route) this.rememberRoute(id, route);
      else this.noRoute.add(id);
    }
  }

  /** People and routes held in memory (the cache's size; bounded in a lazy tracker). */
  get size(): { subjects: number; routes: number } {
    return { subjects: this.subjects.size, routes: this.routes.size };
  }

  /** Referral ids known to have no route (a step of a referral never sent): not read again. */
  private readonly noRoute = new Set<string>();

  private held(subjectId: string): Tracked | undefined {
    const inBatch = this.overlay?.get(subjectId);
    if (inBatch) return inBatch;
    const tracked = this.subjects.get(subjectId);
    if (tracked === undefined && this.lazy) throw new NotLoaded('subject', subjectId);
    return tracked;
  }

  private emptyState(): Tracked {
    return (this.empty ??= this.track(initialSubjectPolicyState('')));
  }

  private rememberRoute(referralId: string, route: Route): void {
    this.routes.delete(referralId);
    this.routes.set(referralId, route);
    this.noRoute.delete(referralId);
    if (!this.overlay) this.evict();
  }

  /**
   * Least recently used first, never a pinned state, and never while a batch is open (what was
   * loaded for it stays until it is decided). A lazy tracker only: the other holds the whole log.
   */
  private evict(): void {
    if (!this.lazy || this.overlay) return;
    while (this.routes.size > this.maxRoutes) this.routes.delete(this.routes.keys().next().value!);
    if (this.noRoute.size > this.maxRoutes) this.noRoute.clear();
    if (this.subjects.size <= this.maxSubjects) return;
    for (const id of this.subjects.keys()) {
      if (this.subjects.size <= this.maxSubjects) break;
      if (!this.pinned.has(id)) this.subjects.delete(id);
    }
  }

  /**
   * Tracks a new state. Facts already worked out for the previous state are kept for each agency
   * whose own facts the change leaves alone (another service becoming involved, say): copied, so
   * no state keeps the previous one alive.
   */
  private track(state: SubjectPolicyState, previous?: Tracked): Tracked {
    const perAgency = new Map<string, AgencyFacts>();
    if (previous) for (const [id, facts] of previous.perAgency) if (sameFactsFor(id, previous.state, state)) perAgency.set(id, facts);
    return {
      state,
      perAgency,
      factsFor: (agency) => {
        let facts = perAgency.get(agency.id);
        if (!facts) perAgency.set(agency.id, (facts = this.shapes.of(state, agency)));
        return facts;
      },
    };
  }
}

interface Tracked extends TrackedSubject {
  /** The facts worked out so far, by agency id. */
  perAgency: Map<string, AgencyFacts>;
}
