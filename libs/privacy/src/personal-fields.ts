import type { DomainEvent } from '@samhandling/domain';

/**
 * Where the personal data of each event type lies: the fields encrypted with the person's data
 * key (issue 16). Names, birth dates and national ids, and free text — summaries, concerns,
 * reasons, notes, outcomes, evidence references — which can say anything about anyone. Ids,
 * agencies, categories, purposes, bases, dates of the record and flags stay in clear: the policy,
 * the routing and the disclosure chain decide on them alone.
 *
 * A path is dot-separated below `data`; a field holding an array of strings has each string
 * encrypted. Every event type of the domain is listed (the compiler checks), and a test that each
 * path is a text field of the type's schema.
 */
export const PERSONAL_FIELDS: Readonly<Record<DomainEvent['type'], readonly string[]>> = {
  SubjectRegistered: ['givenName', 'familyName', 'birthDate', 'nationalId'],
  ArrivalNotice: ['givenName', 'familyName', 'birthDate'],
  ResidenceGranted: [],
  HouseholdLinked: [],
  CoordinatorDesignated: [],
  ContactRecorded: ['summary', 'concerns'],
  ConsentGiven: ['grantor.name', 'evidence.reference'],
  ConsentWithdrawn: ['reason', 'evidence.reference'],
  ConsentConfirmed: ['note'],
  ConsentRejected: ['reason'],
  ReferralSent: ['reason'],
  ReferralAcknowledged: [],
  ReferralAccepted: ['note'],
  ReferralDeclined: ['reason'],
  ReferralCompleted: ['outcome'],
  ReferralEscalated: [],
};
