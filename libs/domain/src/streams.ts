/** Stream names, one place, so the API, relay and projections agree on them. */
export const STREAM_CATEGORIES = ['subject', 'contact', 'consent', 'referral'] as const;
export type StreamCategory = (typeof STREAM_CATEGORIES)[number];

export const subjectStream = (subjectId: string): string => `subject-${subjectId}`;
/**
 * One stream per contact, not per person: deciding a RecordContact reads only that contact's stream
 * (empty, or the contact already recorded), so its cost does not grow with the person's history.
 * Logs written before this design hold `contact-<subjectId>` streams; they read as before.
 */
export const contactStream = (contactId: string): string => `contact-${contactId}`;
export const consentStream = (subjectId: string): string => `consent-${subjectId}`;
export const referralStream = (referralId: string): string => `referral-${referralId}`;

/** Splits at the first dash only: ids are UUIDs and contain dashes themselves. */
export function parseStreamName(name: string): { category: StreamCategory; id: string } | undefined {
  const dash = name.indexOf('-');
  if (dash <= 0 || dash === name.length - 1) return undefined;
  const category = name.slice(0, dash);
  if (!(STREAM_CATEGORIES as readonly string[]).includes(category)) return undefined;
  return { category: category as StreamCategory, id: name.slice(dash + 1) };
}
