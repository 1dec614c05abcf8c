import { DATA_CATEGORIES } from '../shared/categories';
import { assertNever, type Decider } from '../shared/decider';
import { conflict, invalid } from '../shared/errors';
import { instant } from '../shared/time';
import { unknownValues } from '../shared/validation';
import type { ContactCommand, RecordContact } from './contact.commands';
import type { ContactEvent } from './contact.events';

/** Only what decide needs: which contacts exist. A Record keeps the state JSON-able. */
export interface ContactState {
  contactIds: Record<string, true>;
}

export const initialContactState = (): ContactState => ({ contactIds: {} });

export function evolveContact(state: ContactState, event: ContactEvent): ContactState {
  switch (event.type) {
    case 'ContactRecorded':
      return { contactIds: { ...state.contactIds, [event.data.contactId]: true } };
    default:
      return assertNever(event.type);
  }
}

function recordContact({ data, metadata }: RecordContact, state: ContactState): ContactEvent[] {
  if (Object.hasOwn(state.contactIds, data.contactId)) {
    throw conflict('CONTACT.ALREADY_RECORDED', `Contact ${data.contactId} is already recorded`);
  }
  if (data.categories.length === 0) throw invalid('CONTACT.NO_CATEGORIES', 'A contact must name at least one data category');
  const unknown = unknownValues(data.categories, DATA_CATEGORIES);
  if (unknown.length > 0) throw invalid('CONTACT.UNKNOWN_CATEGORY', `Unknown data categories: ${unknown.join(', ')}`);
  if (instant(data.occurredAt, 'occurredAt') > instant(metadata.now, 'now')) {
    throw invalid('CONTACT.IN_FUTURE', `occurredAt ${data.occurredAt} is after now (${metadata.now})`);
  }
  if (data.interpreterLanguage !== undefined && !data.interpreterUsed) {
    throw invalid('CONTACT.INTERPRETER_LANGUAGE_WITHOUT_INTERPRETER', 'interpreterLanguage is given but interpreterUsed is false');
  }
  return [
    {
      type: 'ContactRecorded',
      data: {
        contactId: data.contactId,
        subjectId: data.subjectId,
        agency: metadata.agency,
        actor: metadata.actor,
        occurredAt: data.occurredAt,
        recordedAt: metadata.now,
        channel: data.channel,
        categories: [...data.categories],
        summary: data.summary,
        concerns: [...data.concerns],
        interpreterUsed: data.interpreterUsed,
        ...(data.interpreterLanguage !== undefined ? { interpreterLanguage: data.interpreterLanguage } : {}),
      },
    },
  ];
}

export function decideContact(command: ContactCommand, state: ContactState): ContactEvent[] {
  switch (command.type) {
    case 'RecordContact':
      return recordContact(command, state);
    default:
      return assertNever(command.type);
  }
}

export const contactDecider: Decider<ContactState, ContactCommand, ContactEvent> = {
  decide: decideContact,
  evolve: evolveContact,
  initialState: initialContactState,
};
