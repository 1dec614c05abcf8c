import { disclosureId, type Disclosure, type DisclosureChannel } from '@samhandling/audit';
import { subjectStream } from '@samhandling/domain';
import type { EventStore, RecordedEvent } from '@samhandling/event-store';
import { basisKey, eventPolicyOf, SIGNAL_CATEGORIES } from '@samhandling/policy';
import { delivery } from './delivery';
import { eventRecord } from './event-record';
import type { Delivery } from './feed-store';
import type { PolicyTracker, TrackedSubject } from './policy-tracker';
import type { Recipients } from './recipients';

/** A person's SubjectRegistered, if it entered the log before `position` (so a replay finds the same). */
export interface Registrations {
  of(subjectId: string, before: number): RecordedEvent | undefined;
}

/**
 * The person whose signal (a child-welfare concern) an event may raise: an event carrying one
 * whose type's declaration names who raises it (signalledBy: a contact, a referral).
 */
export function signalSubjectOf(event: RecordedEvent): string | undefined {
  if (!eventPolicyOf(event.type)?.signalledBy) return undefined;
  const { subjectId, categories } = event.data;
  if (typeof subjectId !== 'string' || !Array.isArray(categories)) return undefined;
  return SIGNAL_CATEGORIES.some((c) => categories.includes(c)) ? subjectId : undefined;
}

/** The registrations of the people a batch may raise a signal about, read from the store once per batch. */
export async function registrationsFor(store: Pick<EventStore, 'readStream'>, events: readonly RecordedEvent[]): Promise<Registrations> {
  const found = new Map<string, RecordedEvent>();
  for (const subjectId of new Set(events.map(signalSubjectOf).filter((s): s is string => s !== undefined))) {
    // A person's stream opens with their registration (the subject decider registers once).
    const [first] = await store.readStream(subjectStream(subjectId), { limit: 1 });
    if (first?.type === 'SubjectRegistered') found.set(subjectId, first);
  }
  return fromEvents(found.values());
}

/** Registrations among given events (tests, and registrationsFor's answer). */
export function fromEvents(events: Iterable<RecordedEvent>): Registrations {
  const bySubject = new Map<string, RecordedEvent>();
  for (const e of events) if (e.type === 'SubjectRegistered' && typeof e.data.subjectId === 'string' && !bySubject.has(e.data.subjectId)) bySubject.set(e.data.subjectId, e);
  return { of: (subjectId, before) => { const e = bySubject.get(subjectId); return e && e.position < before ? e : undefined; } };
}

/**
 * The duty to notify child welfare lets it know whom a concern is about (AgencyPolicy's
 * identityWithSignal, which pull reads obey too): once an event raises the signal, the person's
 * identity record opens to child welfare on that entry. The relay then delivers that record — the
 * person's SubjectRegistered, decided as the identity record it is — to each agency this event
 * reaches to which the identity opened just now (not before the event, at the event's instant),
 * right after the concern, recorded as a disclosure of its own. Decided from the log alone (the
 * state before and after the event, the registration before it), so a replay decides the same;
 * the disclosure id is the concern's and the recipient's, so a re-run records it once.
 */
export function identityWithConcern(
  event: RecordedEvent, subjectId: string, before: TrackedSubject, after: TrackedSubject, reached: readonly string[],
  ctx: { tracker: PolicyTracker; recipients: Recipients; registrations?: Registrations; channel: DisclosureChannel },
): Map<string, { disclosure: Disclosure; delivery: Delivery }> | undefined {
  const registration = ctx.registrations?.of(subjectId, event.position);
  const identity = registration && eventRecord(registration, ctx.tracker);
  if (!registration || !identity) return undefined;
  const { record, owners } = identity;
  const had = new Set(ctx.recipients.of(before, record, owners, event.recordedAt).map((g) => g.agency.id));
  const out = new Map<string, { disclosure: Disclosure; delivery: Delivery }>();
  for (const grant of ctx.recipients.of(after, record, owners, event.recordedAt)) {
    if (had.has(grant.agency.id) || !reached.includes(grant.agency.id)) continue;
    const id = disclosureId('push-identity', event.id, grant.agency.id);
    out.set(grant.agency.id, {
      disclosure: {
        id, kind: grant.reviewRequired ? 'break_glass' : 'push', occurredAt: event.recordedAt, subjectId, disclosers: [record.ownerAgency],
        recipient: { agency: grant.agency.id, actor: 'relay' }, eventIds: [registration.id], categories: grant.categories, purpose: grant.purpose,
        bases: grant.bases, channel: ctx.channel, logPosition: event.position,
      },
      delivery: delivery(registration, record, grant.agency.id, grant.bases.map(basisKey), id, grant.categories),
    });
  }
  return out.size > 0 ? out : undefined;
}
