import { arrayOf, bool, ref, str, type EventSchemas } from '../shared/schema';
import type { ContactEvent } from './contact.events';

/** A contact as agencies receive it; a partial delivery leaves out what `redacted` names, so those fields are not required. */
export const CONTACT_EVENT_SCHEMAS: EventSchemas<ContactEvent> = {
  ContactRecorded: {
    type: 'object',
    description: 'Whole, or on a partial delivery (see `redacted`) without the fields it names: actor, summary and interpreterLanguage always, concerns unless child_welfare_concern is delivered.',
    required: ['contactId', 'subjectId', 'agency', 'occurredAt', 'recordedAt', 'channel', 'categories', 'interpreterUsed'],
    properties: {
      contactId: ref('Uuid'),
      subjectId: ref('Uuid'),
      agency: ref('AgencyId'),
      actor: str,
      occurredAt: ref('Instant'),
      recordedAt: ref('Instant'),
      channel: ref('ContactChannel'),
      categories: arrayOf(ref('DataCategory')),
      summary: str,
      concerns: arrayOf(str),
      interpreterUsed: bool,
      interpreterLanguage: str,
    },
  },
};
