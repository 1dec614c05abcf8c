import type { Event } from '../shared/decider';
import type { CoordinatorDesignated } from '../coordination/coordination';

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

/**
 * What the municipality of settlement needs to welcome a person reunited with family: who
 * arrives, to whom, and when. Recorded with every family-reunification grant; delivered only
 * where the legal-basis catalog allows (the notice entry is off unless an installation enables it).
 */
export type ArrivalNotice = Event<
  'ArrivalNotice',
  {
    subjectId: string;
    municipality: string;
    givenName: string;
    familyName: string;
    birthDate: string;
    sponsorId: string;
    relationToSponsor: HouseholdRelation;
    grantedOn: string;
    issuedBy: string;
    issuedAt: string;
  }
>;

export type HouseholdLinked = Event<
  'HouseholdLinked',
  { subjectId: string; memberId: string; relation: HouseholdRelation; linkedBy: string }
>;

export type { CoordinatorBasis, CoordinatorDesignated } from '../coordination/coordination';

export type SubjectEvent = SubjectRegistered | ResidenceGranted | ArrivalNotice | HouseholdLinked | CoordinatorDesignated;
