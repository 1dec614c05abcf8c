import type { DomainEvent, ReferralEvent } from '@samhandling/domain';
import type { RecordedEvent } from '@samhandling/event-store';
import type { KeyContext } from './projection';

/** Compile-time complete: a new domain event type fails here until it is listed. */
const DOMAIN_EVENT_TYPES: Record<DomainEvent['type'], true> = {
  SubjectRegistered: true,
  ResidenceGranted: true,
  HouseholdLinked: true,
  ArrivalNotice: true,
  CoordinatorDesignated: true,
  ContactRecorded: true,
  ConsentGiven: true,
  ConsentWithdrawn: true,
  ConsentConfirmed: true,
  ConsentRejected: true,
  ReferralSent: true,
  ReferralAcknowledged: true,
  ReferralAccepted: true,
  ReferralDeclined: true,
  ReferralCompleted: true,
  ReferralEscalated: true,
};

/**
 * The typed view of a stored event. The log was written by the domain's deciders (validated
 * before append), so the type name is trusted; foreign types yield undefined and are ignored.
 */
export function asDomainEvent(event: RecordedEvent): DomainEvent | undefined {
  if (!isDomainEventType(event.type)) return undefined;
  return { type: event.type, data: event.data } as DomainEvent;
}

export const isDomainEventType = (type: unknown): type is DomainEvent['type'] =>
  typeof type === 'string' && Object.prototype.hasOwnProperty.call(DOMAIN_EVENT_TYPES, type);

export const isReferralEvent = (event: DomainEvent): event is ReferralEvent => event.type.startsWith('Referral');

/** The person an event is about; later referral events find it through the route. */
export function subjectOf(event: DomainEvent, context: KeyContext): string | undefined {
  switch (event.type) {
    case 'ReferralAcknowledged':
    case 'ReferralAccepted':
    case 'ReferralDeclined':
    case 'ReferralCompleted':
    case 'ReferralEscalated':
      return context.referral(event.data.referralId)?.subjectId;
    default:
      return event.data.subjectId;
  }
}

/**
 * The people whose per-person states an event touches: the person it is about, and for a
 * household link both people it links. The person overview and custom projections key alike.
 */
export function subjectKeys(event: RecordedEvent, context: KeyContext): string[] {
  const domain = asDomainEvent(event);
  if (domain?.type === 'HouseholdLinked') return [...new Set([domain.data.subjectId, domain.data.memberId])];
  const subjectId = domain && subjectOf(domain, context);
  return subjectId ? [subjectId] : [];
}

/** Omits undefined fields, so a state read back from jsonb equals the one built in memory. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Orders ISO instants as times (offsets may differ); ties fall back to log position. */
export const byInstant = (a: string, b: string): number => Date.parse(a) - Date.parse(b);
