import type { Command } from '../shared/decider';
import type { HouseholdRelation } from './subject.events';

export type RegisterSubject = Command<
  'RegisterSubject',
  { subjectId: string; givenName: string; familyName: string; birthDate: string; nationalId?: string }
>;

export type GrantResidence = Command<
  'GrantResidence',
  { subjectId: string; familyReunification: boolean; sponsorId?: string; municipality: string; grantedOn: string }
>;

export type LinkHousehold = Command<'LinkHousehold', { subjectId: string; memberId: string; relation: HouseholdRelation }>;

export type SubjectCommand = RegisterSubject | GrantResidence | LinkHousehold;
