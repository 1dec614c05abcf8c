import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

/**
 * A query parameter that is a whole number from `min` to `max`: decimal digits only. `1e19`, `0x10`,
 * `1.5`, `-1`, ` 7` and numbers past 2^53 − 1 (which lose digits, and overflow a bigint column)
 * stay strings and are refused with one message naming the parameter.
 */
export function IsWholeNumber(name: string, min: number, max = Number.MAX_SAFE_INTEGER): PropertyDecorator {
  const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' && /^\d{1,16}$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value)),
    ValidateBy({
      name: 'isWholeNumber',
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max,
        defaultMessage: () => `${name} must be a whole number ${range}, in decimal digits`,
      },
    }),
  );
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** The forms documented in OpenAPI (`format: date` or `date-time`); see isDateOrDateTime. */
export const DATE_OR_DATE_TIME = 'YYYY-MM-DD or an RFC 3339 date-time (YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm))';

/**
 * `YYYY-MM-DD` or an RFC 3339 date-time with seconds and an offset, and a real calendar day. Other
 * ISO 8601 forms (week dates `2026-W01-1`, ordinal dates `2026-001`, `2026-01`, basic `20260101`,
 * no offset) are refused: Date.parse and PostgreSQL read them differently or not at all.
 */
export function isDateOrDateTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value) ?? DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0, offsetHour = 0, offsetMinute = 0] = m.slice(1).map((p) => (p === undefined ? 0 : Number(p)));
  // setUTCFullYear, not Date.UTC, which reads years 0–99 as 1900–1999.
  const calendar = new Date(0);
  calendar.setUTCFullYear(year, month - 1, day);
  return year >= 1 && calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day
    && hour <= 23 && minute <= 59 && second <= 59 && offsetHour <= 23 && offsetMinute <= 59;
}

/** Validates with isDateOrDateTime; the message names the field and the accepted forms. */
export function IsDateOrDateTime(): PropertyDecorator {
  return ValidateBy({
    name: 'isDateOrDateTime',
    validator: { validate: isDateOrDateTime, defaultMessage: (args) => `${args?.property ?? 'value'} must be ${DATE_OR_DATE_TIME}` },
  });
}
