import { metadataOf, plain, SubjectCommandMessage } from '../commands/command-message';
import { declareCommand } from '../commands/command-declaration';
import { toSharingBasis } from '../http/sharing-basis.dto';
import { DesignateCoordinatorDto, GrantResidenceDto, LinkHouseholdDto, RegisterSubjectDto } from './subjects.dto';

/** The person's own stream: who they are, their residence, household and coordinator. */
export const SUBJECT_COMMANDS = [
  declareCommand({
    name: 'RegisterSubject', feature: 'subjects', operation: 'register', path: 'subjects', dto: RegisterSubjectDto,
    summary: 'RegisterSubject', produces: 'SubjectRegistered',
    build: (dto: RegisterSubjectDto, _, ctx) => new SubjectCommandMessage({ type: 'RegisterSubject', data: { ...plain(dto) }, metadata: metadataOf(ctx) }, ctx),
  }),
  declareCommand({
    name: 'GrantResidence', feature: 'subjects', operation: 'grantResidence', path: 'subjects/:subjectId/residence', dto: GrantResidenceDto,
    summary: 'GrantResidence (national authorities only)', produces: 'ResidenceGranted',
    build: (dto: GrantResidenceDto, { subjectId }, ctx) =>
      new SubjectCommandMessage({ type: 'GrantResidence', data: { ...plain(dto), subjectId }, metadata: metadataOf(ctx) }, ctx),
  }),
  declareCommand({
    name: 'LinkHousehold', feature: 'subjects', operation: 'linkHousehold', path: 'subjects/:subjectId/household', dto: LinkHouseholdDto,
    summary: 'LinkHousehold', produces: 'HouseholdLinked',
    build: (dto: LinkHouseholdDto, { subjectId }, ctx) =>
      new SubjectCommandMessage({ type: 'LinkHousehold', data: { ...plain(dto), subjectId }, metadata: metadataOf(ctx) }, ctx),
  }),
  // `agency` is the coordinator being designated; the designating agency is the caller.
  declareCommand({
    name: 'DesignateCoordinator', feature: 'subjects', operation: 'designateCoordinator', path: 'subjects/:subjectId/coordinator', dto: DesignateCoordinatorDto,
    summary: 'DesignateCoordinator: the single point of entry for the person, on their consent (naming that agency) or a catalog basis',
    produces: 'CoordinatorDesignated',
    build: (dto: DesignateCoordinatorDto, { subjectId }, ctx) => {
      const { agency, caseworker, basis } = plain(dto);
      const data = { subjectId, agency, ...(caseworker !== undefined ? { caseworker } : {}), basis: toSharingBasis(basis) };
      return new SubjectCommandMessage({ type: 'DesignateCoordinator', data, metadata: metadataOf(ctx) }, ctx);
    },
  }),
];
