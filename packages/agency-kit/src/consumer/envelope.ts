import { DATA_CATEGORIES, EVENT_TYPE_PREFIX, type AgencyEvent } from '../contract';

export type ParsedMessage = { ok: true; event: AgencyEvent } | { ok: false; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CATEGORIES = new Set<string>(DATA_CATEGORIES);

/** The domain event type of a CloudEvents type (`no.samhandling.ContactRecorded.v1` → `ContactRecorded`). */
export const domainTypeOf = (type: string): string | undefined =>
  type.startsWith(EVENT_TYPE_PREFIX) && type.endsWith('.v1') && type.length > EVENT_TYPE_PREFIX.length + 3 ? type.slice(EVENT_TYPE_PREFIX.length, -3) : undefined;

/** The domain event type (`ContactRecorded`) of a delivered event. */
export const domainType = (event: AgencyEvent): string => domainTypeOf(event.type)!;

/**
 * Checks a message (a Kafka value, or an event of a feed page) is a delivered event as the relay
 * writes it. The reason names the field that is wrong and never quotes its value: reasons end up in
 * logs, values may be personal data. Event types this version of the kit does not know pass (their
 * `type` is still no.samhandling.<EventType>.v1): a newer backbone must not stop an older consumer.
 */
export function parseDeliveredEvent(value: Buffer | string | object | null | undefined): ParsedMessage {
  if (value === null || value === undefined || ((typeof value === 'string' || Buffer.isBuffer(value)) && value.length === 0)) {
    return fail('empty message value (tombstone)');
  }
  let parsed: unknown = value;
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    try {
      parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
    } catch {
      return fail('value is not JSON');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('value is not a JSON object');
  const e = parsed as Record<string, unknown>;
  if (e.specversion !== '1.0') return fail('specversion is not "1.0"');
  if (typeof e.id !== 'string' || !UUID.test(e.id)) return fail('id is not a UUID');
  if (typeof e.type !== 'string' || domainTypeOf(e.type) === undefined) return fail('type is not no.samhandling.<EventType>.v1');
  if (!nonEmpty(e.source)) return fail('source is missing');
  if (!nonEmpty(e.subject)) return fail('subject is missing');
  if (typeof e.time !== 'string' || Number.isNaN(Date.parse(e.time))) return fail('time is not an instant');
  if (e.datacontenttype !== 'application/json') return fail('datacontenttype is not application/json');
  if (typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)) return fail('data is not an object');
  if (typeof e.logposition !== 'number' || !Number.isSafeInteger(e.logposition) || e.logposition < 1) return fail('logposition is not a positive integer');
  if (!Array.isArray(e.categories) || !e.categories.every((c) => CATEGORIES.has(c))) return fail('categories is not a list of data categories');
  if (!Array.isArray(e.basis) || e.basis.length === 0 || !e.basis.every(nonEmpty)) return fail('basis is not a non-empty list');
  if (typeof e.disclosureid !== 'string') return fail('disclosureid is missing');
  return { ok: true, event: { ...(parsed as AgencyEvent), id: (e.id as string).toLowerCase() } };
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const fail = (reason: string): ParsedMessage => ({ ok: false, reason });
