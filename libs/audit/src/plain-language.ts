import type { DataCategory, Purpose } from '@samhandling/domain';

/**
 * How the access report names purposes, categories and read models to the person. Records keep
 * the codes; these words are for reading. Typed as complete maps: a new purpose or category
 * does not compile until it has words here.
 */
export const PURPOSE_TEXT: Record<Purpose, string> = {
  care: 'to give you health care',
  follow_up: 'to follow up your case',
  introduction_programme: 'for your introduction programme',
  settlement: 'to settle you in a municipality',
  child_protection: 'to protect a child',
  welfare_services: 'to give you welfare services (work, benefits, social services)',
  education: 'for your education and training',
  housing: 'to help you with housing',
  emergency: 'in an emergency, to prevent danger to life or serious harm to health',
  coordination: 'to coordinate the services that help you',
};

export const CATEGORY_TEXT: Record<DataCategory, string> = {
  identity: 'who you are (name, date of birth)',
  residence: 'your residence permit',
  contact_log: 'that you were in contact with a service',
  health: 'health information',
  education: 'education',
  welfare: 'work, benefits and social services',
  housing: 'housing',
  family_situation: 'your family situation',
  child_welfare_concern: "a concern about a child's welfare",
  referral: 'a referral from one service to another',
};

const PROJECTION_TEXT: Record<string, string> = {
  'person-overview': 'an overview of you',
  'contact-history': 'your contacts with services',
  'consent-registry': 'your consents',
  'referral-board': 'referrals about you',
  coordination: 'the coordinator\'s overview of which services you are in contact with',
};

export const projectionText = (projection: string): string => PROJECTION_TEXT[projection] ?? `the read model "${projection}"`;

export const categoryText = (category: string): string => CATEGORY_TEXT[category as DataCategory] ?? category;

export const purposeText = (purpose: string): string => PURPOSE_TEXT[purpose as Purpose] ?? purpose;
