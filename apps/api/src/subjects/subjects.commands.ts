import { metadataOf, plain, SubjectCommandMessage } from '../platform/commands/command-message';
import { declareCommand } from '../platform/commands/command-declaration';
import { GrantResidenceDto, LinkHouseholdDto, RegisterSubjectDto } from './subjects.dto';

/** The person's own stream: who they are, their residence and household. */
export const SUBJECT_COMMANDS = [
  declareCommand({
    name: 'RegisterSubject', tag: 'subjects', operation: 'register', path: 'subjects', dto: RegisterSubjectDto,
    summary: 'RegisterSubject', stream: 'subject', produces: ['SubjectRegistered'],
    build: (dto: RegisterSubjectDto, _, ctx) => new SubjectCommandMessage({ type: 'RegisterSubject', data: { ...plain(dto) }, metadata: metadataOf(ctx) }, ctx),
  }),
  declareCommand({
    name: 'GrantResidence', tag: 'subjects', operation: 'grantResidence', path: 'subjects/:subjectId/residence', dto: GrantResidenceDto,
    inbox: { audience: 'national authorities' },
    summary: 'GrantResidence (national authorities only)', stream: 'subject', produces: ['ResidenceGranted', 'HouseholdLinked', 'ArrivalNotice'],
    build: (dto: GrantResidenceDto, { subjectId }, ctx) =>
      new SubjectCommandMessage({ type: 'GrantResidence', data: { ...plain(dto), subjectId }, metadata: metadataOf(ctx) }, ctx),
  }),
  declareCommand({
    name: 'LinkHousehold', tag: 'subjects', operation: 'linkHousehold', path: 'subjects/:subjectId/household', dto: LinkHouseholdDto,
    summary: 'LinkHousehold', stream: 'subject', produces: ['HouseholdLinked'],
    build: (dto: LinkHouseholdDto, { subjectId }, ctx) =>
      new SubjectCommandMessage({ type: 'LinkHousehold', data: { ...plain(dto), subjectId }, metadata: metadataOf(ctx) }, ctx),
  }),
];
