/** Stream names, one place, so the API, relay and projections agree on them. */
export const STREAM_CATEGORIES = ['subject', 'contact', 'consent', 'referral'] as const;
export type StreamCategory = (typeof STREAM_CATEGORIES)[number];

export const subjectStream = (subjectId: string): string => `subject-${subjectId}`;
export const contactStream = (subjectId: string): string => `contact-${subjectId}`;
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
