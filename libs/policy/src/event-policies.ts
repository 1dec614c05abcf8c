import type { DomainEvent } from '@samhandling/domain';
import { CONSENT_POLICIES } from './consents/consent.policy';
import { CONTACT_POLICIES } from './contacts/contact.policy';
import { COORDINATION_POLICIES } from './coordination/coordination.policy';
import type { EventLabel, EventPolicies, EventPolicy, LabelLookup, LoggedWithMetadata } from './event-policy';
import { REFERRAL_POLICIES } from './referrals/referral.policy';
import { SUBJECT_POLICIES } from './subjects/subject.policy';

/** Each feature's declarations, collected: a domain event without one fails to compile here or in its feature. */
const DECLARED: EventPolicies<DomainEvent> = { ...SUBJECT_POLICIES, ...COORDINATION_POLICIES, ...CONTACT_POLICIES, ...CONSENT_POLICIES, ...REFERRAL_POLICIES };

/** By type, in a Map: a type the domain does not write (foreign, or `constructor`) finds nothing. */
const BY_TYPE: ReadonlyMap<string, EventPolicy> = new Map<string, EventPolicy>(Object.entries(DECLARED));

/** The declaration for an event type; undefined for a type the domain does not write. */
export const eventPolicyOf = (type: string): EventPolicy | undefined => BY_TYPE.get(type);

/**
 * The record an event is delivered as, labelled by its type's declaration. Events the domain does
 * not write (foreign types) and referral events whose ReferralSent is unknown are not delivered at
 * all. Ask after the lookup has applied the event, so consent withdrawals find their consent.
 */
export function labelOf(event: { type: string; data: Readonly<Record<string, unknown>>; metadata: Readonly<Record<string, unknown>> }, lookup: LabelLookup): EventLabel | undefined {
  // Found by its type, so the declaration is the event's own (its data still unchecked, as LoggedData says).
  return eventPolicyOf(event.type)?.label(event as LoggedWithMetadata<DomainEvent>, lookup);
}
