import { disclosureId, type Disclosure, type DisclosureChannel } from '@samhandling/audit';
import type { RecordedEvent } from '@samhandling/event-store';
import { basisKey, type AgencyRef, type DisclosableRecord } from '@samhandling/policy';
import { eventRecord } from './event-record';
import type { Delivery } from './feed-store';
import { NotLoaded, type PolicyTracker, type TrackedSubject } from './policy-tracker';
import type { Grant, Recipients } from './recipients';
import { preferredPurposes } from './preferred-purposes';
import { partialData } from './redaction';
import { delivery } from './delivery';
import { identityWithConcern, signalSubjectOf, type Registrations } from './identity-with-concern';

/** What one batch of the log turns into: the records to write and the messages to send. */
export interface BatchPlan {
  firstPosition: number;
  lastPosition: number;
  events: number;
  disclosures: Disclosure[];
  deliveries: Delivery[];
  /** Events whose recipients could not be decided (malformed data): delivered to no one. */
  undecided: Array<{ eventId: string; position: number; reason: string }>;
}

export interface PlanContext {
  tracker: PolicyTracker;
  recipients: Recipients;
  agencies: readonly AgencyRef[];
  channel: DisclosureChannel;
  /**
   * Where a person's SubjectRegistered is found, so their identity can go with a concern that
   * opens it (identity-with-concern.ts). Without it, a concern goes without the identity.
   */
  registrations?: Registrations;
}

/** The id of the disclosure record of pushing one event to one agency: the same on every re-run. */
export const pushDisclosureId = (eventId: string, agency: string): string => disclosureId('push', eventId, agency);

/**
 * Decides a batch in log order. Each event is applied to the policy state first, so its own
 * consent or referral counts for it, and decided at the instant it entered the log (recordedAt),
 * so a replay decides the same. Owners get their own events (basis `own`, not a disclosure, so
 * no record); every other recipient gets a push disclosure record.
 */
export function planBatch(events: readonly RecordedEvent[], ctx: PlanContext): BatchPlan {
  const known = new Set(ctx.agencies.map((a) => a.id));
  const disclosures: Disclosure[] = [];
  const deliveries: Delivery[] = [];
  const undecided: BatchPlan['undecided'] = [];
  for (const event of events) {
    try {
      // The person's facts before the event: what it newly opens (the identity, with a concern) is told with it.
      const signalled = signalSubjectOf(event);
      const before = signalled === undefined ? undefined : ctx.tracker.subject(signalled);
      ctx.tracker.apply(event);
      const decided = decideEvent(event, ctx, known, before);
      disclosures.push(...decided.disclosures);
      deliveries.push(...decided.deliveries);
    } catch (error) {
      // A fact not loaded yet is no reason to deny: the relay loads it and decides the batch again.
      if (error instanceof NotLoaded) throw error;
      // Deny by default: an event the policy cannot judge is disclosed to no one, and said so.
      undecided.push({ eventId: event.id, position: event.position, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { firstPosition: events[0].position, lastPosition: events[events.length - 1].position, events: events.length, disclosures, deliveries, undecided };
}

/**
 * planBatch in slices of `slice` events, yielding to the event loop between them: a large batch
 * then does not hold the thread for its whole decision, so the batches before it, waiting on
 * their database and Kafka replies, move on meanwhile. Decides exactly what planBatch decides.
 */
export async function planInSlices(events: readonly RecordedEvent[], ctx: PlanContext, slice = 100): Promise<BatchPlan> {
  if (events.length <= slice) return planBatch(events, ctx);
  const plan = planBatch(events.slice(0, slice), ctx);
  for (let i = slice; i < events.length; i += slice) {
    await new Promise(setImmediate);
    const part = planBatch(events.slice(i, i + slice), ctx);
    plan.lastPosition = part.lastPosition;
    plan.events += part.events;
    for (const d of part.disclosures) plan.disclosures.push(d);
    for (const d of part.deliveries) plan.deliveries.push(d);
    for (const u of part.undecided) plan.undecided.push(u);
  }
  return plan;
}

function decideEvent(event: RecordedEvent, ctx: PlanContext, known: ReadonlySet<string>, before: TrackedSubject | undefined): { disclosures: Disclosure[]; deliveries: Delivery[] } {
  const disclosures: Disclosure[] = [];
  const deliveries: Delivery[] = [];
  const labelled = eventRecord(event, ctx.tracker);
  if (!labelled) return { disclosures, deliveries };
  const { record, owners, notice } = labelled;
  const subject = ctx.tracker.subject(record.subjectId);
  // A referral's (or consent's) events are delivered for what it is for, not the first purpose that permits.
  const preferred = preferredPurposes(record, ctx.tracker, subject.state, ctx.recipients.catalog);
  const grants: Array<Grant & { record: DisclosableRecord }> = ctx.recipients.of(subject, record, owners, event.recordedAt, preferred).map((g) => ({ ...g, record }));
  if (notice) {
    const reached = new Set([...owners, ...grants.map((g) => g.agency.id)]);
    for (const g of ctx.recipients.of(subject, notice.record, owners, event.recordedAt, preferred)) {
      if (notice.agencies.includes(g.agency.id) && !reached.has(g.agency.id)) grants.push({ ...g, record: notice.record });
    }
  }
  for (const owner of owners) {
    if (known.has(owner)) deliveries.push(delivery(event, record, owner, ['own'], ''));
  }
  const identities = before && before.state.raised !== subject.state.raised
    ? identityWithConcern(event, record.subjectId, before, subject, grants.map((g) => g.agency.id), ctx)
    : undefined;
  for (const { record, ...grant } of grants) {
    const id = pushDisclosureId(event.id, grant.agency.id);
    // Part of a contact (a concern on a health contact): the rest of its data is withheld, and the record says which fields went.
    const partial = grant.categories.length < record.categories.length ? partialData(event.data, grant.categories) : undefined;
    disclosures.push({
      id,
      kind: grant.reviewRequired ? 'break_glass' : 'push',
      occurredAt: event.recordedAt,
      subjectId: record.subjectId,
      disclosers: [record.ownerAgency],
      recipient: { agency: grant.agency.id, actor: 'relay' },
      eventIds: [event.id],
      ...(partial ? { fields: Object.keys(partial.data) } : {}),
      categories: grant.categories,
      purpose: grant.purpose,
      bases: grant.bases,
      channel: ctx.channel,
      logPosition: event.position,
    });
    deliveries.push(delivery(event, record, grant.agency.id, grant.bases.map(basisKey), id, grant.categories, partial));
    const identity = identities?.get(grant.agency.id);
    if (identity) {
      disclosures.push(identity.disclosure);
      deliveries.push(identity.delivery);
    }
  }
  return { disclosures, deliveries };
}
