import { assertNever, type Decider } from '../shared/decider';
import { conflict, invalid, notFound } from '../shared/errors';
import { calendarDate, instant } from '../shared/time';
import { coordinatorAfter, designateCoordinator, type Coordinator } from '../coordination/coordination';
import type { GrantResidence, LinkHousehold, RegisterSubject, SubjectCommand } from './subject.commands';
import type { ArrivalNotice, HouseholdLinked, HouseholdRelation, ResidenceGranted, SubjectEvent } from './subject.events';

export interface Residence {
  familyReunification: boolean;
  sponsorId?: string;
  municipality: string;
  grantedOn: string;
}

export interface SubjectState {
  status: 'unregistered' | 'registered';
  subjectId?: string;
  identity?: { givenName: string; familyName: string; birthDate: string };
  /** The latest grant; a renewal replaces it. */
  residence?: Residence;
  householdMembers: Record<string, HouseholdRelation>;
  coordinator?: Coordinator;
}

export const initialSubjectState = (): SubjectState => ({ status: 'unregistered', householdMembers: {} });

export function evolveSubject(state: SubjectState, event: SubjectEvent): SubjectState {
  switch (event.type) {
    case 'SubjectRegistered': {
      const { subjectId, givenName, familyName, birthDate } = event.data;
      return { ...state, status: 'registered', subjectId, identity: { givenName, familyName, birthDate } };
    }
    case 'ArrivalNotice':
      return state;
    case 'ResidenceGranted': {
      const { familyReunification, sponsorId, municipality, grantedOn } = event.data;
      return {
        ...state,
        residence: { familyReunification, ...(sponsorId !== undefined ? { sponsorId } : {}), municipality, grantedOn },
      };
    }
    case 'HouseholdLinked':
      return { ...state, householdMembers: { ...state.householdMembers, [event.data.memberId]: event.data.relation } };
    case 'CoordinatorDesignated':
      return { ...state, coordinator: coordinatorAfter(event) };
    default:
      return assertNever(event);
  }
}

function register({ data, metadata }: RegisterSubject, state: SubjectState): SubjectEvent[] {
  if (state.status === 'registered') throw conflict('SUBJECT.ALREADY_REGISTERED', `Subject ${data.subjectId} is already registered`);
  const born = calendarDate(data.birthDate);
  if (born === undefined || born > instant(metadata.now, 'now')) {
    throw invalid('SUBJECT.INVALID_BIRTH_DATE', `birthDate must be a YYYY-MM-DD date not after today: ${JSON.stringify(data.birthDate)}`);
  }
  return [
    {
      type: 'SubjectRegistered',
      data: {
        subjectId: data.subjectId,
        givenName: data.givenName,
        familyName: data.familyName,
        birthDate: data.birthDate,
        ...(data.nationalId !== undefined ? { nationalId: data.nationalId } : {}),
        registeredBy: metadata.agency,
        registeredAt: metadata.now,
      },
    },
  ];
}

function requireRegistered(state: SubjectState, subjectId: string): void {
  if (state.status !== 'registered') throw notFound('SUBJECT.NOT_FOUND', `Subject ${subjectId} is not registered`);
}

function grantResidence({ data, metadata }: GrantResidence, state: SubjectState): SubjectEvent[] {
  requireRegistered(state, data.subjectId);
  // The sponsor is who the municipality follows up with; reunification without one is incomplete.
  if (data.familyReunification && !data.sponsorId) {
    throw invalid('SUBJECT.SPONSOR_REQUIRED', 'A family-reunification grant must name the sponsor');
  }
  if (data.sponsorId === data.subjectId) throw invalid('SUBJECT.SELF_SPONSOR', 'A person cannot sponsor themselves');
  if (data.relationToSponsor !== undefined && !data.sponsorId) {
    throw invalid('SUBJECT.RELATION_WITHOUT_SPONSOR', 'relationToSponsor needs a sponsorId');
  }
  if (calendarDate(data.grantedOn) === undefined) {
    throw invalid('SUBJECT.INVALID_GRANT_DATE', `grantedOn must be a YYYY-MM-DD date: ${JSON.stringify(data.grantedOn)}`);
  }
  const event: ResidenceGranted = {
    type: 'ResidenceGranted',
    data: {
      subjectId: data.subjectId,
      familyReunification: data.familyReunification,
      ...(data.sponsorId !== undefined ? { sponsorId: data.sponsorId } : {}),
      municipality: data.municipality,
      grantedOn: data.grantedOn,
      recordedBy: metadata.agency,
    },
  };
  const sponsorId = data.familyReunification ? data.sponsorId : undefined;
  if (sponsorId === undefined) return [event];
  const relation = data.relationToSponsor ?? state.householdMembers[sponsorId] ?? 'other';
  // Reunification joins a household: the sponsor is linked in the same step, once.
  const link: HouseholdLinked[] = Object.hasOwn(state.householdMembers, sponsorId)
    ? []
    : [{ type: 'HouseholdLinked', data: { subjectId: data.subjectId, memberId: sponsorId, relation, linkedBy: metadata.agency } }];
  const notice: ArrivalNotice = {
    type: 'ArrivalNotice',
    data: {
      subjectId: data.subjectId, municipality: data.municipality, ...state.identity!, sponsorId, relationToSponsor: relation,
      grantedOn: data.grantedOn, issuedBy: metadata.agency, issuedAt: metadata.now,
    },
  };
  return [event, ...link, notice];
}

function linkHousehold({ data, metadata }: LinkHousehold, state: SubjectState): SubjectEvent[] {
  requireRegistered(state, data.subjectId);
  if (data.memberId === data.subjectId) throw invalid('SUBJECT.SELF_LINK', 'A person cannot be linked to their own household');
  if (Object.hasOwn(state.householdMembers, data.memberId)) {
    throw conflict('SUBJECT.ALREADY_LINKED', `${data.memberId} is already linked as ${state.householdMembers[data.memberId]}`);
  }
  return [
    {
      type: 'HouseholdLinked',
      data: { subjectId: data.subjectId, memberId: data.memberId, relation: data.relation, linkedBy: metadata.agency },
    },
  ];
}

export function decideSubject(command: SubjectCommand, state: SubjectState): SubjectEvent[] {
  switch (command.type) {
    case 'RegisterSubject':
      return register(command, state);
    case 'GrantResidence':
      return grantResidence(command, state);
    case 'LinkHousehold':
      return linkHousehold(command, state);
    case 'DesignateCoordinator':
      requireRegistered(state, command.data.subjectId);
      return designateCoordinator(command, state.coordinator);
    default:
      return assertNever(command);
  }
}

export const subjectDecider: Decider<SubjectState, SubjectCommand, SubjectEvent> = {
  decide: decideSubject,
  evolve: evolveSubject,
  initialState: initialSubjectState,
};
