import type { Command } from '../shared/decider';
import type { DesignateCoordinator } from '../coordination/coordination';
import type { HouseholdRelation } from './subject.events';

export type RegisterSubject = Command<
  'RegisterSubject',
  { subjectId: string; givenName: string; familyName: string; birthDate: string; nationalId?: string }
>;

export type GrantResidence = Command<
  'GrantResidence',
  {
    subjectId: string;
    familyReunification: boolean;
    sponsorId?: string;
    /** What the sponsor is to the person (e.g. 'spouse'); links the household in the same step. */
    relationToSponsor?: HouseholdRelation;
    municipality: string;
    grantedOn: string;
  }
>;

export type LinkHousehold = Command<'LinkHousehold', { subjectId: string; memberId: string; relation: HouseholdRelation }>;

export type { DesignateCoordinator } from '../coordination/coordination';

export type SubjectCommand = RegisterSubject | GrantResidence | LinkHousehold | DesignateCoordinator;
