import { DATA_CATEGORIES, isDataCategory, type DataCategory } from '@samhandling/domain';
import { isDomainEventType } from '../domain-event';

/**
 * What an integrator's projection sees of one event: the event, and what policy labels it as —
 * whose record it is and which categories it carries (the labels the relay delivers it under).
 */
export interface CustomEvent {
  id: string;
  type: string;
  position: number;
  recordedAt: string;
  /** A copy, frozen: a projection cannot change the event for another projection. */
  data: Readonly<Record<string, unknown>>;
  ownerAgency: string;
  categories: readonly DataCategory[];
}

/**
 * An integrator's read model, one state per person, folded inside the backbone so that reading it
 * goes through the policy and the disclosure log. A module named in CUSTOM_PROJECTIONS exports one
 * as its default export (CommonJS: `module.exports`).
 */
export interface CustomProjectionDefinition<S = unknown> {
  /** Lower-case words joined by '-', like the built-ins: names the read route and the checkpoint. */
  name: string;
  /** Bump when `evolve` or the state's shape changes: the state is folded again from the log (default 1). */
  version?: number;
  /** The categories it may fold: an event carrying any other category is never handed to `evolve`. */
  categories: DataCategory[];
  /** Optionally, the event types it folds (e.g. ['ContactRecorded']); default every type. */
  eventTypes?: string[];
  init(subjectId: string): S;
  /** Pure: no I/O, no clock; the state must survive JSON. */
  evolve(state: S, event: CustomEvent): S;
}

export const CUSTOM_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const NAME_MAX = 64;

/**
 * The definition as the runtime will use it, or every problem with it at once. `reserved`: names
 * taken by the built-ins (and other custom projections).
 */
export function checkCustomDefinition(value: unknown, reserved: readonly string[]): CustomProjectionDefinition {
  if (typeof value !== 'object' || value === null) throw new Error('exports no projection definition (an object with name, categories, init and evolve)');
  const d = value as Record<string, unknown>;
  const problems: string[] = [];
  const name = d.name;
  if (typeof name !== 'string' || !CUSTOM_NAME.test(name) || name.length > NAME_MAX) {
    problems.push(`name must be lower-case words joined by '-' (at most ${NAME_MAX} characters, e.g. contacts-per-channel), got ${JSON.stringify(name)}`);
  } else if (reserved.includes(name)) {
    problems.push(`name ${JSON.stringify(name)} is already taken (taken: ${reserved.join(', ')})`);
  }
  if (d.version !== undefined && !(Number.isSafeInteger(d.version) && (d.version as number) >= 1)) problems.push(`version must be a whole number of at least 1, got ${JSON.stringify(d.version)}`);
  if (!Array.isArray(d.categories) || d.categories.length === 0) {
    problems.push(`categories must be a non-empty list of data categories (${DATA_CATEGORIES.join(', ')})`);
  } else {
    const unknown = d.categories.filter((c) => !isDataCategory(c));
    if (unknown.length > 0) problems.push(`unknown categor${unknown.length === 1 ? 'y' : 'ies'} ${unknown.map((c) => JSON.stringify(c)).join(', ')}; known: ${DATA_CATEGORIES.join(', ')}`);
  }
  if (d.eventTypes !== undefined) {
    if (!Array.isArray(d.eventTypes) || d.eventTypes.length === 0) problems.push('eventTypes, when given, must be a non-empty list of event types');
    else {
      const unknown = d.eventTypes.filter((t) => !isDomainEventType(t));
      if (unknown.length > 0) problems.push(`unknown event type${unknown.length === 1 ? '' : 's'} ${unknown.map((t) => JSON.stringify(t)).join(', ')}`);
    }
  }
  for (const fn of ['init', 'evolve'] as const) if (typeof d[fn] !== 'function') problems.push(`${fn} must be a function`);
  if (problems.length === 0) problems.push(...checkInit(d.init as (id: string) => unknown));
  if (problems.length > 0) throw new Error(problems.join('; '));
  const init = d.init as CustomProjectionDefinition['init'];
  const evolve = d.evolve as CustomProjectionDefinition['evolve'];
  return {
    name: name as string,
    ...(d.version !== undefined ? { version: d.version as number } : {}),
    categories: [...new Set(d.categories as DataCategory[])],
    ...(d.eventTypes !== undefined ? { eventTypes: [...new Set(d.eventTypes as string[])] } : {}),
    init: (subjectId) => init(subjectId),
    evolve: (state, event) => evolve(state, event),
  };
}

/** `init` is called at start once, so a state that cannot be stored fails start-up, not a read. */
function checkInit(init: (id: string) => unknown): string[] {
  try {
    const state = init('00000000-0000-4000-8000-000000000000');
    if (state === undefined || JSON.stringify(state) === undefined) return ['init must return a state that survives JSON (got undefined)'];
    return [];
  } catch (error) {
    return [`init threw: ${error instanceof Error ? error.message : String(error)}`];
  }
}
