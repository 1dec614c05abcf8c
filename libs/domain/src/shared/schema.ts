import type { Event } from './decider';

/**
 * JSON Schema (as AsyncAPI 3 uses it) for what the domain writes: plain objects, no validator.
 * Each event's `data` schema sits beside its type (`<feature>/<feature>.schemas.ts`) and is typed
 * against it, so a field added to an event fails the typecheck until its schema describes it.
 */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** The shared schemas the event schemas name; the AsyncAPI document's components.schemas defines them. */
export type SharedSchema =
  | 'Uuid' | 'Instant' | 'Date' | 'Municipality' | 'AgencyId' | 'SharingBasis'
  | 'DataCategory' | 'Purpose' | 'AgencyKind' | 'ContactChannel' | 'HouseholdRelation';

export const ref = (name: SharedSchema): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const str: JsonSchema = { type: 'string' };
export const bool: JsonSchema = { type: 'boolean' };
export const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });

/** The schema of one event's data: every field described; `required` lists those always present. */
export type DataSchema<D> = {
  type: 'object';
  description?: string;
  required: readonly (keyof D & string)[];
  properties: { readonly [K in keyof D & string]-?: JsonSchema };
};

/** One data schema per event type of a feature. */
export type EventSchemas<E extends Event<string, object>> = { readonly [T in E['type']]: DataSchema<Extract<E, { type: T }>['data']> };
