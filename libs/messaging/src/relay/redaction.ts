import type { DataCategory } from '@samhandling/domain';
import type { RecordedEvent } from '@samhandling/event-store';
import { CONTACT_CONTENT_FIELDS, CONTACT_METADATA_FIELDS, shownContentFields } from '@samhandling/policy';

/**
 * A contact event's data as pushed when only `categories` of it are permitted (partialCategories):
 * its metadata, the content fields of the permitted categories (FIELD_CATEGORY, the same mapping the
 * pull reads use), `categories` rewritten to the permitted ones; every other field withheld and
 * named in `redacted`, in the data's own order (deterministic: the event is immutable).
 */
export function partialData(data: RecordedEvent['data'], categories: readonly DataCategory[]): { data: RecordedEvent['data']; redacted: string[] } {
  const shown = new Set([...CONTACT_METADATA_FIELDS, ...shownContentFields(CONTACT_CONTENT_FIELDS, categories)]);
  const out: RecordedEvent['data'] = {};
  const redacted: string[] = [];
  for (const [field, value] of Object.entries(data)) {
    if (!shown.has(field)) redacted.push(field);
    else out[field] = field === 'categories' ? [...categories] : value;
  }
  return { data: out, redacted };
}

/**
 * The data of a delivery as recorded: the fields the relay withheld taken out again, `categories`
 * the delivered ones. The feed stores per row only what differs from the event (feed-store.ts), so
 * it serves a redacted delivery by applying what was recorded, not by deciding anew.
 */
export function redactedAgain(data: RecordedEvent['data'], categories: readonly DataCategory[], redacted: readonly string[] | undefined): RecordedEvent['data'] {
  if (!redacted) return data;
  const out: RecordedEvent['data'] = {};
  for (const [field, value] of Object.entries(data)) {
    if (!redacted.includes(field)) out[field] = field === 'categories' ? [...categories] : value;
  }
  return out;
}
