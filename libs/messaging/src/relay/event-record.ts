import type { RecordedEvent } from '@samhandling/event-store';
import { labelOf, type EventLabel, type LabelLookup } from '@samhandling/policy';

/** What policy is asked about one event, and who receives it as their own record. */
export type EventRecord = EventLabel;

/**
 * The DisclosableRecord an event is, as its type's declaration in @samhandling/policy labels it
 * (libs/policy/src/<feature>/*.policy.ts). Events the domain does not write (foreign types)
 * and referral events whose ReferralSent is unknown are not delivered at all. Call after the
 * tracker has applied the event, so consent withdrawals find their consent.
 */
export function eventRecord(event: RecordedEvent, tracker: LabelLookup): EventRecord | undefined {
  return labelOf(event, tracker);
}
