import { ContactCommandMessage, metadataOf, plain } from '../platform/commands/command-message';
import { declareCommand } from '../platform/commands/command-declaration';
import { RecordContactDto } from './contacts.dto';

export const CONTACT_COMMANDS = [
  declareCommand({
    name: 'RecordContact', tag: 'contacts', operation: 'record', path: 'subjects/:subjectId/contacts', dto: RecordContactDto,
    summary: 'RecordContact: the calling agency records its own contact with the person', produces: 'ContactRecorded',
    build: (dto: RecordContactDto, { subjectId }, ctx) =>
      new ContactCommandMessage({ type: 'RecordContact', data: { ...plain(dto), subjectId }, metadata: metadataOf(ctx) }, ctx),
  }),
];
