import { ContactCommandMessage, metadataOf, plain } from '../platform/commands/command-message';
import { declareCommand } from '../platform/commands/command-declaration';
import { RecordContactDto } from './contacts.dto';

export const CONTACT_COMMANDS = [
  declareCommand({
    name: 'RecordContact', tag: 'contacts', operation: 'record', path: 'subjects/:subjectId/contacts', dto: RecordContactDto,
    inbox: {
      examples: [{
        name: 'record-contact',
        headers: {},
        payload: {
          id: 'contact-2026-11-20-0001',
          type: 'RecordContact',
          actor: 'kari.nordmann',
          data: {
            subjectId: '0b9d7e3c-1f7a-4d2b-8c6e-4a5b3c2d1e0f',
            contactId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
            occurredAt: '2026-11-20T09:30:00Z',
            channel: 'in_person',
            categories: ['contact_log'],
            summary: 'Introduction programme follow-up',
            concerns: [],
            interpreterUsed: false,
          },
        },
      }],
    },
    summary: 'RecordContact: the calling agency records its own contact with the person', stream: 'contact', produces: ['ContactRecorded'],
    build: (dto: RecordContactDto, { subjectId }, ctx) =>
      new ContactCommandMessage({ type: 'RecordContact', data: { ...plain(dto), subjectId }, metadata: metadataOf(ctx) }, ctx),
  }),
];
