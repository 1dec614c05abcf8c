/**
 * Data categories label events and projection fields; policy decides per category.
 * Special categories (GDPR art. 9 and the Child Welfare Act's confidentiality) are marked.
 */
export const DATA_CATEGORIES = [
  'identity',
  'residence',
  'contact_log',
  'health',
  'education',
  'welfare',
  'housing',
  'family_situation',
  'child_welfare_concern',
  'referral',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

export const SPECIAL_CATEGORIES: ReadonlySet<DataCategory> = new Set<DataCategory>(['health', 'child_welfare_concern']);

export const isDataCategory = (value: unknown): value is DataCategory =>
  typeof value === 'string' && (DATA_CATEGORIES as readonly string[]).includes(value);

export const isSpecialCategory = (category: DataCategory): boolean => SPECIAL_CATEGORIES.has(category);

/** Kinds of agency; the agency directory maps each agency id to one kind. */
export const AGENCY_KINDS = [
  'health',
  'refugee_service',
  'adult_learning',
  'school',
  'child_welfare',
  'nav',
  'housing',
  'voluntary',
  'national_authority',
] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export const PURPOSES = [
  'care',
  'follow_up',
  'introduction_programme',
  'settlement',
  'child_protection',
  'welfare_services',
  'education',
  'housing',
  'emergency',
  'coordination',
] as const;
export type Purpose = (typeof PURPOSES)[number];
