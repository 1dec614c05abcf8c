import type { DataCategory } from '../shared/categories';
import { fold } from '../shared/decider';
import { given } from '../testing/given-when-then';
import { meta } from '../testing/metadata';
import type { RecordContact } from './contact.commands';
import { contactDecider } from './contact.decider';
import type { ContactRecorded } from './contact.events';

const record = (data: Partial<RecordContact['data']> = {}): RecordContact => ({
  type: 'RecordContact',
  data: {
    contactId: 'c-1',
    subjectId: 'amina',
    occurredAt: '2026-01-09T13:30:00Z',
    channel: 'in_person',
    categories: ['health', 'family_situation'],
    summary: 'Follow-up after arrival; sleeping badly, worried about the children.',
    concerns: ['sleep', 'children not yet in school'],
    interpreterUsed: true,
    interpreterLanguage: 'so',
    ...data,
  },
  metadata: meta({ actor: 'nurse-1' }),
});

const recorded: ContactRecorded = {
  type: 'ContactRecorded',
  data: {
    contactId: 'c-1',
    subjectId: 'amina',
    agency: 'health-oslo',
    actor: 'nurse-1',
    occurredAt: '2026-01-09T13:30:00Z',
    recordedAt: '2026-01-10T10:00:00Z',
    channel: 'in_person',
    categories: ['health', 'family_situation'],
    summary: 'Follow-up after arrival; sleeping badly, worried about the children.',
    concerns: ['sleep', 'children not yet in school'],
    interpreterUsed: true,
    interpreterLanguage: 'so',
  },
};

describe('RecordContact', () => {
  it('records the contact with agency, actor and recording time from the metadata', () => {
    given(contactDecider, []).when(record()).then([recorded]);
  });

  it('records a contact without interpreter or concerns, omitting the language', () => {
    const { interpreterLanguage: _omitted, ...rest } = recorded.data;
    given(contactDecider, [])
      .when(record({ interpreterUsed: false, interpreterLanguage: undefined, concerns: [] }))
      .then([{ type: 'ContactRecorded', data: { ...rest, interpreterUsed: false, concerns: [] } }]);
  });

  it('records further contacts in the same stream', () => {
    given(contactDecider, [recorded])
      .when(record({ contactId: 'c-2' }))
      .then([{ ...recorded, data: { ...recorded.data, contactId: 'c-2' } }]);
  });

  it('accepts a contact that happened exactly now', () => {
    given(contactDecider, [])
      .when(record({ occurredAt: '2026-01-10T10:00:00Z' }))
      .then([{ ...recorded, data: { ...recorded.data, occurredAt: '2026-01-10T10:00:00Z' } }]);
  });

  it('refuses to record the same contact id twice', () => {
    given(contactDecider, [recorded]).when(record()).thenThrows('CONTACT.ALREADY_RECORDED', 'conflict');
  });

  it('needs at least one data category', () => {
    given(contactDecider, []).when(record({ categories: [] })).thenThrows('CONTACT.NO_CATEGORIES', 'validation');
  });

  it('rejects categories outside the catalogue', () => {
    const categories = ['health', 'gossip'] as unknown as DataCategory[];
    given(contactDecider, []).when(record({ categories })).thenThrows('CONTACT.UNKNOWN_CATEGORY', 'validation');
  });

  it('rejects a contact dated in the future', () => {
    given(contactDecider, []).when(record({ occurredAt: '2026-01-10T10:00:01Z' })).thenThrows('CONTACT.IN_FUTURE', 'validation');
  });

  it('rejects an interpreter language when no interpreter was used', () => {
    given(contactDecider, [])
      .when(record({ interpreterUsed: false }))
      .thenThrows('CONTACT.INTERPRETER_LANGUAGE_WITHOUT_INTERPRETER', 'validation');
  });

  it('rejects an occurredAt that is not an instant', () => {
    given(contactDecider, []).when(record({ occurredAt: 'last tuesday' })).thenThrows('COMMON.INVALID_INSTANT', 'validation');
  });
});

describe('contact state', () => {
  it('remembers every recorded contact id', () => {
    const second = { ...recorded, data: { ...recorded.data, contactId: 'c-2' } };
    expect(fold(contactDecider, [recorded, second])).toStrictEqual({ contactIds: { 'c-1': true, 'c-2': true } });
  });
});
