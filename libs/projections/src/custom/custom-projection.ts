import type { DataCategory } from '@samhandling/domain';
import type { RecordedEvent } from '@samhandling/event-store';
import {
  evolveSubjectPolicy, initialSubjectPolicyState, labelOf, policySubjectOf, type DisclosableRecord, type LabelLookup, type SubjectPolicyState,
} from '@samhandling/policy';
import { subjectKeys } from '../domain-event';
import type { Projection } from '../projection';
import type { CustomEvent, CustomProjectionDefinition } from './custom-definition';

/** One event a custom state folded: the record a read of that state discloses. */
export interface ContributingRecord extends Omit<DisclosableRecord, 'subjectId'> {
  eventId: string;
  position: number;
}

/**
 * What the runtime keeps per person for a custom projection: the integrator's state, every record
 * that was handed to its `evolve` (a read needs a basis for each), and the person's policy facts as
 * of the last event, which label the next one exactly as the relay labels it (a consent's
 * withdrawal carries the consent's categories, a referral's later steps its route's).
 */
export interface CustomState<S = unknown> {
  subjectId: string;
  state: S;
  records: ContributingRecord[];
  policy: SubjectPolicyState;
}

/**
 * The integrator's definition as a Projection the runtime folds: keyed by person as the person
 * overview is, each event labelled by policy, and handed to `evolve` only if it is a type the
 * definition names and carries no category it did not declare — so it cannot fold what its
 * readers' bases were not checked for.
 */
export function customProjection<S>(definition: CustomProjectionDefinition<S>): Projection<CustomState<S>> {
  const declared = new Set<DataCategory>(definition.categories);
  const types = definition.eventTypes && new Set(definition.eventTypes);
  return {
    name: definition.name,
    version: definition.version,
    categories: [...definition.categories],
    keyOf: subjectKeys,
    init: (subjectId) => ({ subjectId, state: definition.init(subjectId), records: [], policy: initialSubjectPolicyState(subjectId) }),
    evolve(current, event) {
      const policy = policySubjectOf(event) === current.subjectId ? evolveSubjectPolicy(current.policy, event) : current.policy;
      const label = labelOf(event, lookupIn(policy))?.record;
      const admitted = label !== undefined && label.categories.length > 0 && label.categories.every((c) => declared.has(c)) && (!types || types.has(event.type));
      if (!admitted) return policy === current.policy ? current : { ...current, policy };
      // The log is folded in order: an event at or before the last record's position is already in (a re-run batch).
      const last = current.records[current.records.length - 1];
      if (last && event.position <= last.position) return { ...current, policy };
      let state: S;
      try {
        state = definition.evolve(current.state, customEvent(event, label));
      } catch (error) {
        // The event's id and type and the error's class, never its message: it may quote the event's content.
        const kind = error instanceof Error ? error.name : typeof error;
        throw new Error(`Custom projection ${definition.name} failed on event ${event.id} (${event.type}): its evolve threw ${kind}`, { cause: error });
      }
      // Every record handed to evolve counts as folded in, whether or not the state looks changed:
      // an evolve that changes its state in place must not fold a record without it being cited.
      const { subjectId: _, ...labelled } = label;
      return { ...current, state, policy, records: [...current.records, { eventId: event.id, position: event.position, ...labelled }] };
    },
  };
}

/** The policy facts as of the event, to label it: its consent, its referral's route. */
function lookupIn(policy: SubjectPolicyState): LabelLookup {
  return {
    subject: (subjectId) => ({ state: subjectId === policy.subjectId ? policy : initialSubjectPolicyState(subjectId) }),
    route: (referralId) => {
      const r = policy.referrals[referralId];
      return r && { subjectId: policy.subjectId, from: r.from, to: r.to, categories: r.categories };
    },
  };
}

function customEvent(event: RecordedEvent, label: DisclosableRecord): CustomEvent {
  return Object.freeze({
    id: event.id, type: event.type, position: event.position, recordedAt: event.recordedAt,
    data: deepFreeze(structuredClone(event.data)), ownerAgency: label.ownerAgency, categories: Object.freeze([...label.categories]),
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
