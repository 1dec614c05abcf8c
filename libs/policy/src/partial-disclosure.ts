import type { DataCategory } from '@samhandling/domain';
import type { Decision, DisclosableRecord } from './agency-policy';

/**
 * Content fields that belong to one category alone, so a record of several categories can show
 * them when only that category is permitted: a contact's `concerns` are what child welfare is
 * notified of when the contact carries child_welfare_concern. Every other content field (summary,
 * actor) belongs to all of the record's categories, and is shown only with the whole record.
 * One mapping for pull reads (apps/api reads) and push (the relay), so both redact alike.
 */
export const FIELD_CATEGORY: Readonly<Record<string, DataCategory>> = { concerns: 'child_welfare_concern' };

/** A contact's content: what it was about. The rest of a contact is its metadata. */
export const CONTACT_CONTENT_FIELDS: readonly string[] = ['summary', 'concerns', 'actor'];

/**
 * What of a contact event is shown with only part of its categories: who recorded it, when, how
 * (as a pull read's metadata shows it); `categories` itself is rewritten to the permitted ones.
 * Any other field (interpreterLanguage, a field added later) is withheld: an allow-list, so a new
 * field is never pushed by accident.
 */
export const CONTACT_METADATA_FIELDS: readonly string[] = ['contactId', 'subjectId', 'agency', 'occurredAt', 'recordedAt', 'channel', 'categories', 'interpreterUsed'];

/** The content fields a partly permitted record shows: those whose one category is permitted. */
export const shownContentFields = (fields: readonly string[], permitted: readonly DataCategory[]): string[] =>
  fields.filter((f) => FIELD_CATEGORY[f] !== undefined && permitted.includes(FIELD_CATEGORY[f]));

const FIELD_OWNING = new Set(Object.values(FIELD_CATEGORY));

/**
 * The categories of a record a discloser may push when a decision permits only some of them, or
 * undefined when nothing may go. The rule: only a contact (the one record whose fields are mapped to
 * categories), and only when a permitted category owns a content field of its own (FIELD_CATEGORY:
 * the concern) — so the part pushed says something the basis is for. A part that would carry
 * metadata or identity alone (an identity label on a health contact, a bare contact_log) is not
 * pushed: it would tell the recipient that the person had a contact it may not know the content of.
 * A fully permitted record is not partial: the caller pushes it whole.
 */
export function partialCategories(record: DisclosableRecord, decision: Decision): DataCategory[] | undefined {
  if (decision.allowed || record.kind !== 'contact') return undefined;
  const permitted = decision.permittedCategories;
  return permitted.some((c) => FIELD_OWNING.has(c)) ? permitted : undefined;
}

/** Whether a record of these categories could ever be pushed in part (partialCategories' necessary condition). */
export const mayBePartial = (record: DisclosableRecord): boolean => record.kind === 'contact' && record.categories.some((c) => FIELD_OWNING.has(c));

/** Whether a category owns a content field of its own (so its part of a record may go alone). */
export const ownsContent = (category: DataCategory): boolean => FIELD_OWNING.has(category);
