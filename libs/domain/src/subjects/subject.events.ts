import type { Event } from '../shared/decider';
import type { SharingBasis } from '../shared/sharing-basis';

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

/** Why an agency may coordinate: the person's consent, or a catalog entry. */
export type CoordinatorBasis = SharingBasis;

/**
 * The single point of entry: one agency (and, if named, one caseworker there) holds the whole
 * picture for the person and is told when referrals are not followed up. A new designation
 * replaces the previous one.
 */
export type CoordinatorDesignated = Event<
  'CoordinatorDesignated',
  {
    subjectId: string;
    agency: string;
    /** The caseworker the person can turn to, e.g. a name or a role. */
    caseworker?: string;
    basis: CoordinatorBasis;
    /** The coordinator this one replaces, if any. */
    previousAgency?: string;
    designatedBy: string;
    designatedAt: string;
  }
>;

export type SubjectEvent = SubjectRegistered | ResidenceGranted | ArrivalNotice | HouseholdLinked | CoordinatorDesignated;
