import { isDataCategory, type DataCategory, type DomainEvent, type Purpose, type ReferralBasis } from '@samhandling/domain';
import type { DisclosableRecord } from './agency-policy';
import type { SubjectPolicyState } from './subject-policy-state';

/** Every key any of the events `E` names in its data. */
type DataKeys<E extends DomainEvent> = E extends DomainEvent ? keyof E['data'] : never;

/**
 * An event's data as read from the log: only the fields its domain type names, each of unknown
 * value (the log is not typed: a malformed or older event may differ), so a declaration reads
 * no field its event lacks and checks what it reads.
 */
export type LoggedData<E extends DomainEvent> = { readonly [K in DataKeys<E>]?: unknown };

export interface Logged<E extends DomainEvent> {
  type: E['type'];
  data: LoggedData<E>;
}

export interface LoggedWithMetadata<E extends DomainEvent> extends Logged<E> {
  /** The appender's metadata: `agency`, when a string, is who wrote the event. */
  metadata: Readonly<Record<string, unknown>>;
}

/** A referral's parties, from its ReferralSent: later referral events carry only the referral id. */
export interface RelayRoute {
  subjectId: string;
  from: string;
  to: string;
  categories: DataCategory[];
  /** What the referral is for and on which basis it was sent: the purpose its deliveries are recorded under. */
  purpose?: Purpose;
  basis?: ReferralBasis;
}

/** What labelling an event may look up, as of that event (the relay's PolicyTracker, once it applied the event). */
export interface LabelLookup {
  /** The person's policy state (an empty one for a person without facts). */
  subject(subjectId: string): { readonly state: SubjectPolicyState };
  route(referralId: string): RelayRoute | undefined;
}

/** What policy is asked about one event, and who receives it as their own record. */
export interface EventLabel {
  record: DisclosableRecord;
  /** Agencies the event belongs to: they receive it on basis `own`, with no disclosure record. */
  owners: string[];
  /**
   * Agencies the event names to be told (an escalation's notify list): those the record itself
   * does not reach get this narrower record instead, where policy allows that much.
   */
  notice?: { agencies: string[]; record: DisclosableRecord };
}

/**
 * What one event type means to policy: whose policy state it changes and how, and what the relay
 * delivers it as. Declared per feature, with the domain's slice names (subjects/, coordination/,
 * contacts/, consents/, referrals/), collected in event-policies.ts. Methods, not function properties: the registry holds
 * each type's declaration as one for any domain event, and dispatches by type.
 */
export interface EventPolicy<E extends DomainEvent = DomainEvent> {
  /** The person whose policy state folds the event in; absent: the event changes no one's policy. */
  subjectOf?(data: LoggedData<E>): string | undefined;
  /** The agency raising the signal categories (a child-welfare concern) among the event's `categories`. */
  signalledBy?(data: LoggedData<E>): unknown;
  /**
   * How the event changes the person's state, given the state with what every event changes
   * already applied (the agencies its data names as involved, raised signals, the position).
   */
  evolve?(state: SubjectPolicyState, event: Logged<E>): SubjectPolicyState;
  /** The route the event opens (a ReferralSent): the referral's later events are delivered along it. */
  opensRoute?(data: LoggedData<E>): { referralId: string; route: RelayRoute };
  /** The record the relay delivers the event as, and its owners; undefined: delivered to no one. */
  label(event: LoggedWithMetadata<E>, lookup: LabelLookup): EventLabel | undefined;
}

/** One declaration per event type of `E`: a type of the union without one, or one the union lacks, fails to compile. */
export type EventPolicies<E extends DomainEvent> = { readonly [T in E['type']]: EventPolicy<Extract<E, { type: T }>> };

/** The person an event names (data.subjectId), for events that change that person's policy state. */
export const itsSubject = (data: { readonly subjectId?: unknown }): string => data.subjectId as string;

/**
 * The event as a record about the person it names, owned by whoever wrote it (the metadata's
 * agency, else `recorder` from its data); undefined without a person or an owner.
 */
export function ownRecord(
  event: { data: { readonly subjectId?: unknown }; metadata: Readonly<Record<string, unknown>> },
  kind: DisclosableRecord['kind'], recorder: unknown, categories: DataCategory[], extra: Partial<DisclosableRecord> = {},
): EventLabel | undefined {
  const owner = authorOf(event) ?? (typeof recorder === 'string' ? recorder : undefined);
  const subjectId = event.data.subjectId;
  return typeof subjectId === 'string' && owner !== undefined
    ? { record: { kind, subjectId, ownerAgency: owner, categories: unique(categories), ...extra }, owners: [owner] }
    : undefined;
}

/** The agency that wrote the event, per its metadata. */
export const authorOf = (event: { metadata: Readonly<Record<string, unknown>> }): string | undefined =>
  typeof event.metadata.agency === 'string' ? event.metadata.agency : undefined;

export const categoriesOf = (value: unknown): DataCategory[] => (Array.isArray(value) ? value.filter(isDataCategory) : []);
export const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
