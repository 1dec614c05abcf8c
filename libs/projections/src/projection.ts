import type { DataCategory } from '@samhandling/domain';
import type { RecordedEvent } from '@samhandling/event-store';

/** The parties of a referral, as its ReferralSent named them. */
export interface ReferralRoute {
  subjectId: string;
  from: string;
  to: string;
}

/**
 * What `keyOf` may look up besides the event itself. Only ReferralSent names the person and the
 * agencies; the later events of a referral carry its id alone, so the runtime resolves the route
 * from the referral stream's first event before routing a batch (see referral-routes.ts).
 */
export interface KeyContext {
  referral(referralId: string): ReferralRoute | undefined;
}

/**
 * A read model folded from the global log, one state per key. The runtime persists states as
 * jsonb, so a state must survive JSON.stringify/parse; `evolve` returns the same object when an
 * event changes nothing, and nothing is written for it.
 */
export interface Projection<S> {
  /** e.g. 'person-overview'; names the checkpoint `projections:<name>` too. */
  name: string;
  /**
   * Bump when `evolve` or the state's shape changes: a runtime finding states folded by another
   * version drops them and folds the log again from the start (default 1).
   */
  version?: number;
  /** Categories its content may carry (documentation, and the policy's first filter). */
  categories: DataCategory[];
  /** Which state keys an event touches (subject id, or agency id for the referral board); [] ignores it. */
  keyOf(event: RecordedEvent, context: KeyContext): string[];
  init(key: string): S;
  /** Pure: no I/O, no clock; replays and rebuilds must arrive at the same state. */
  evolve(state: S, event: RecordedEvent): S;
}

/** Every item a projection shows says who recorded it and what it carries, so policy can filter per item. */
export interface Labelled {
  /** Agency that recorded the fact; it may always see it again. */
  ownerAgency: string;
  categories: DataCategory[];
}
