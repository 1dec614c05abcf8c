import { invalid } from './errors';

/** Parses an ISO-8601 instant or throws a coded validation error naming the field. */
export function instant(value: string, field: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid('COMMON.INVALID_INSTANT', `${field} is not a valid ISO-8601 instant: ${JSON.stringify(value)}`);
  return ms;
}

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parses a calendar date (YYYY-MM-DD) to the epoch ms of its UTC midnight, or undefined.
 * The round-trip check rejects dates such as 2025-02-30 that Date.parse would roll over.
 */
export function calendarDate(value: string): number | undefined {
  if (typeof value !== 'string' || !CALENDAR_DATE.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) return undefined;
  return ms;
}
