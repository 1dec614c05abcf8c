import type { Event } from '../shared/decider';

export const HOUSEHOLD_RELATIONS = ['spouse', 'child', 'parent', 'sibling', 'other'] as const;
export type HouseholdRelation = (typeof HOUSEHOLD_RELATIONS)[number];

export type SubjectRegistered = Event<
  'SubjectRegistered',
  {
    subjectId: string;
    givenName: string;
    familyName: string;
    /** Calendar date, YYYY-MM-DD. */
    birthDate: string;
    nationalId?: string;
    /** Agency that registered the person. */
    registeredBy: string;
    registeredAt: string;
  }
>;

/** Recorded by the national authority; the municipality must hear of family reunification. */
export type ResidenceGranted = Event<
  'ResidenceGranted',
  {
    subjectId: string;
    familyReunification: boolean;
    sponsorId?: string;
    /** Municipality number, e.g. '0301'. */
    municipality: string;
    /** Calendar date, YYYY-MM-DD. */
    grantedOn: string;
    recordedBy: string;
  }
>;

export type HouseholdLinked = Event<
  'HouseholdLinked',
  { subjectId: string; memberId: string; relation: HouseholdRelation; linkedBy: string }
>;

export type SubjectEvent = SubjectRegistered | ResidenceGranted | HouseholdLinked;
