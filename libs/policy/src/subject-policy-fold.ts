import type { DomainEvent } from '@samhandling/domain';
import type { EventPolicy, Logged } from './event-policy';
import { eventPolicyOf } from './event-policies';
import { SIGNAL_CATEGORIES, type LogEvent, type SubjectPolicyState } from './subject-policy-state';

/** The subject an event's policy facts belong to, per its type's declaration; undefined when it changes no policy. */
export function policySubjectOf(event: LogEvent): string | undefined {
  return eventPolicyOf(event.type)?.subjectOf?.(event.data);
}

/**
 * Folds one event into the person's policy state. What every event changes is folded here, what
 * an event type changes besides is declared beside it (its EventPolicy's evolve): a type the
 * domain does not write changes only the involvement and position.
 */
export function evolveSubjectPolicy(state: SubjectPolicyState, event: LogEvent): SubjectPolicyState {
  const policy = eventPolicyOf(event.type);
  const agencies = involvedBy(event).filter((a) => !state.involved?.[a]);
  const involved = agencies.length > 0 ? { ...state.involved, ...Object.fromEntries(agencies.map((a) => [a, true as const])) } : (state.involved ?? {});
  const next = { ...state, involved, ...raisedBy(state, event, policy), position: Math.max(state.position, event.position) };
  // Found by its type, so the declaration is the event's own (its data still unchecked, as LoggedData says).
  return policy?.evolve ? policy.evolve(next, event as Logged<DomainEvent>) : next;
}

/**
 * `raised` with the event's signal categories added for the agency that raised them (the
 * declaration's signalledBy: a contact's agency, a referral's sender); unchanged (same object) otherwise.
 */
function raisedBy(state: SubjectPolicyState, event: LogEvent, policy: EventPolicy | undefined): Pick<SubjectPolicyState, 'raised'> {
  if (!policy?.signalledBy) return {};
  const d = event.data;
  const agency = policy.signalledBy(d);
  const categories = Array.isArray(d.categories) ? d.categories : [];
  const fresh = SIGNAL_CATEGORIES.filter((c) => typeof agency === 'string' && categories.includes(c) && !state.raised?.[c]?.[agency]);
  if (fresh.length === 0) return {};
  const raised = { ...state.raised };
  for (const c of fresh) raised[c] = { ...raised[c], [agency as string]: true };
  return { raised };
}

/** The agencies an event shows to be involved with the person: read by field name, whatever its type. */
function involvedBy(event: LogEvent): string[] {
  const d = event.data;
  const ids = [d.registeredBy, d.linkedBy, d.agency, d.recordedBy, d.from, d.to, d.designatedBy];
  return ids.filter((id): id is string => typeof id === 'string');
}
