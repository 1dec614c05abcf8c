import { ref, str, bool, type EventSchemas } from '../shared/schema';
import type { CoordinatorDesignated, SubjectEvent } from './subject.events';

/** The data of the person's own events, as agencies receive it. */
export const SUBJECT_EVENT_SCHEMAS: EventSchemas<Exclude<SubjectEvent, CoordinatorDesignated>> = {
  SubjectRegistered: {
    type: 'object',
    required: ['subjectId', 'givenName', 'familyName', 'birthDate', 'registeredBy', 'registeredAt'],
    properties: {
      subjectId: ref('Uuid'),
      givenName: str,
      familyName: str,
      birthDate: ref('Date'),
      nationalId: { type: 'string', pattern: '^\\d{11}$' },
      registeredBy: ref('AgencyId'),
      registeredAt: ref('Instant'),
    },
  },
  ResidenceGranted: {
    type: 'object',
    required: ['subjectId', 'familyReunification', 'municipality', 'grantedOn', 'recordedBy'],
    properties: {
      subjectId: ref('Uuid'),
      familyReunification: bool,
      sponsorId: ref('Uuid'),
      municipality: ref('Municipality'),
      grantedOn: ref('Date'),
      recordedBy: ref('AgencyId'),
    },
  },
  ArrivalNotice: {
    type: 'object',
    required: ['subjectId', 'municipality', 'givenName', 'familyName', 'birthDate', 'sponsorId', 'relationToSponsor', 'grantedOn', 'issuedBy', 'issuedAt'],
    properties: {
      subjectId: ref('Uuid'),
      municipality: ref('Municipality'),
      givenName: str,
      familyName: str,
      birthDate: ref('Date'),
      sponsorId: ref('Uuid'),
      relationToSponsor: ref('HouseholdRelation'),
      grantedOn: ref('Date'),
      issuedBy: ref('AgencyId'),
      issuedAt: ref('Instant'),
    },
  },
  HouseholdLinked: {
    type: 'object',
    required: ['subjectId', 'memberId', 'relation', 'linkedBy'],
    properties: { subjectId: ref('Uuid'), memberId: ref('Uuid'), relation: ref('HouseholdRelation'), linkedBy: ref('AgencyId') },
  },
};
