/*
 * Compile-time checks of the generated contract types, run by the repository's typecheck
 * (`npm run typecheck`, tsconfig.json includes packages/). Nothing here runs: when an event or a
 * command changes shape, a realistic message below stops compiling, or an `@ts-expect-error`
 * stops being an error, and the typecheck fails.
 */
import type { AgencyEvent, ContactRecordedEvent, InboxCommand, RecordContactCommand } from '../src';

/** The first ContactRecorded example of docs/asyncapi.yaml. */
export const contactRecorded: ContactRecordedEvent = {
  specversion: '1.0',
  id: '5f0c2a4e-3b7d-4c1e-9a55-2f1d8e6b7c90',
  source: '/samhandling/agencies/oslo-health',
  type: 'no.samhandling.ContactRecorded.v1',
  subject: '0b9d7e3c-1f7a-4d2b-8c6e-4a5b3c2d1e0f',
  time: '2026-11-20T09:35:12.000Z',
  datacontenttype: 'application/json',
  data: {
    contactId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    subjectId: '0b9d7e3c-1f7a-4d2b-8c6e-4a5b3c2d1e0f',
    agency: 'oslo-health',
    actor: 'dr.hansen',
    occurredAt: '2026-11-20T09:30:00Z',
    recordedAt: '2026-11-20T09:35:12.000Z',
    channel: 'in_person',
    categories: ['contact_log', 'health'],
    summary: 'Introduction programme follow-up',
    concerns: ['sleep problems'],
    interpreterUsed: true,
    interpreterLanguage: 'ti',
  },
  logposition: 1842,
  categories: ['contact_log', 'health'],
  basis: ['consent:3c2d1e0f-4a5b-4c6d-8e7f-9a0b1c2d3e4f'],
  disclosureid: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
};

/** The RecordContact example of docs/asyncapi.yaml. */
export const recordContact: RecordContactCommand = {
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
};

// The unions take them, and narrow on `type`.
export const events: AgencyEvent[] = [contactRecorded];
export const commands: InboxCommand[] = [recordContact];
export function channelOf(event: AgencyEvent): string | undefined {
  return event.type === 'no.samhandling.ContactRecorded.v1' ? event.data.channel : undefined;
}

const { interpreterUsed: _interpreterUsed, ...withoutInterpreterUsed } = contactRecorded.data;
// @ts-expect-error a required field of the event's data is missing
export const eventMissingField: ContactRecordedEvent = { ...contactRecorded, data: withoutInterpreterUsed };
// @ts-expect-error 'carrier_pigeon' is no ContactChannel
export const eventWrongEnum: ContactRecordedEvent = { ...contactRecorded, data: { ...contactRecorded.data, channel: 'carrier_pigeon' } };
// @ts-expect-error the envelope's type belongs to another event
export const eventWrongType: ContactRecordedEvent = { ...contactRecorded, type: 'no.samhandling.ConsentGiven.v1' };

const { summary: _summary, ...withoutSummary } = recordContact.data;
// @ts-expect-error a required field of the command's data is missing
export const commandMissingField: RecordContactCommand = { ...recordContact, data: withoutSummary };
// @ts-expect-error 'gossip' is no DataCategory
export const commandWrongEnum: RecordContactCommand = { ...recordContact, data: { ...recordContact.data, categories: ['gossip'] } };
// @ts-expect-error the inbox refuses fields the command does not have
export const commandExtraField: RecordContactCommand = { ...recordContact, data: { ...recordContact.data, mood: 'fine' } };
// @ts-expect-error a command without an actor
export const commandWithoutActor: InboxCommand = { id: recordContact.id, type: 'RecordContact', data: recordContact.data };
