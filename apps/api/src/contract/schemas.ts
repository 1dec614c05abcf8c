import {
  AGENCY_KINDS, CONTACT_CHANNELS, DATA_CATEGORIES, HOUSEHOLD_RELATIONS, PURPOSES, SPECIAL_CATEGORIES, type DataSchema, type JsonSchema, type SharedSchema,
} from '@samhandling/domain';
import type { DeliveredEvent as Delivered } from '@samhandling/messaging';
import { DATE_OR_DATE_TIME } from '../platform/http/formats';
import { DLQ_HEADERS } from '../inbox/dead-letter';
import { VISIBLE_TOKEN } from '../platform/http/visible-token';

const uuid = { $ref: '#/components/schemas/Uuid' };
const schema = (name: SharedSchema | 'DateOrDateTime') => ({ $ref: `#/components/schemas/${name}` });
const VISIBLE_ASCII = VISIBLE_TOKEN.source;

/** The CloudEvents envelope the relay writes around every event (messaging/cloud-event.ts). */
const DeliveredEvent: DataSchema<Delivered> = {
  type: 'object',
  description: 'CloudEvents 1.0, structured JSON mode; extension attributes are lower-case alphanumerics.',
  required: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'data', 'logposition', 'categories', 'basis', 'disclosureid'],
  properties: {
    specversion: { const: '1.0' },
    id: { ...uuid, description: 'The event\'s id in the log; deduplicate on it.' },
    source: { type: 'string', description: '/samhandling/agencies/{agency whose record it is}' },
    type: { type: 'string', pattern: '^no\\.samhandling\\.[A-Za-z]+\\.v1$' },
    subject: { ...uuid, description: 'The person the event is about (also the message key).' },
    time: { ...schema('Instant'), description: 'When the event entered the log; policy was decided at this instant.' },
    datacontenttype: { const: 'application/json' },
    data: { type: 'object' },
    logposition: { type: 'integer', minimum: 1, description: 'Global log position.' },
    categories: { type: 'array', items: schema('DataCategory'), description: 'The labels the delivery was decided on.' },
    basis: {
      type: 'array',
      minItems: 1,
      items: { type: 'string' },
      description: 'As cited in the disclosure record: `own`, `legal:<catalog entry>@<catalog version>` (e.g. `legal:hpa-25-45@2026-01`), `consent:<consentId>`, `referral:<referralId>` or `coordination:<agency>`.',
    },
    disclosureid: { type: 'string', description: 'Id of the disclosure record covering this delivery; empty for the agency\'s own records.' },
    redacted: {
      type: 'array',
      items: { type: 'string' },
      description: 'Only on a delivery of part of a record: a contact whose categories a basis permits only some of, where a permitted '
        + 'category owns content of its own (a child-welfare concern on a health contact, to child welfare under the duty to '
        + 'notify). Names the data fields withheld; `data` holds the contact\'s metadata and the permitted content (`concerns`), '
        + '`data.categories` and `categories` the permitted categories. The disclosure record lists the same categories and fields.',
    },
  },
};

const DeliveryHeaders: JsonSchema = {
  type: 'object',
  required: ['ce_id', 'ce_type', 'ce_specversion', 'content-type'],
  properties: { ce_id: uuid, ce_type: { type: 'string' }, ce_specversion: { const: '1.0' }, 'content-type': { const: 'application/cloudevents+json' } },
};

/** What inbox/inbox-message.ts reads; `data` is the command's, described per message. */
const InboxMessage: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'actor', 'data'],
  properties: {
    id: { type: 'string', pattern: VISIBLE_ASCII, description: 'The Idempotency-Key, unique per agency and shared with HTTP.' },
    type: { type: 'string', description: 'The command type.' },
    actor: { type: 'string', minLength: 1, maxLength: 200, description: 'The caseworker acting, for the audit trail.' },
    data: { type: 'object' },
    correlationId: { type: 'string', pattern: VISIBLE_ASCII },
  },
};

/** Each dead-letter header (by its key in DLQ_HEADERS), and whether every dead letter has it. */
const DEAD_LETTER_HEADERS: Record<keyof typeof DLQ_HEADERS, { always: boolean; schema: JsonSchema }> = {
  code: {
    always: true,
    schema: { type: 'string', description: 'The error code HTTP would have answered, e.g. REQUEST.INVALID; INBOX.NOT_PROCESSED (status 500) for a message that kept failing for a reason other than an outage.' },
  },
  message: { always: true, schema: { type: 'string' } },
  status: { always: true, schema: { type: 'string', description: 'The HTTP status, e.g. "400".' } },
  details: { always: false, schema: { type: 'string', description: 'JSON of the field errors, when there are any.' } },
  cause: {
    always: false,
    schema: { type: 'string', description: 'For INBOX.NOT_PROCESSED: the last failure, as the log shows it (the error class, and for a database error its SQLSTATE and routine, e.g. "error code=23514 routine=exec_stmt_raise").' },
  },
  attempts: { always: false, schema: { type: 'string', description: 'For INBOX.NOT_PROCESSED: how often the message was tried, e.g. "5".' } },
  topic: { always: true, schema: { type: 'string' } },
  partition: { always: true, schema: { type: 'string' } },
  offset: { always: true, schema: { type: 'string' } },
  messageId: { always: false, schema: { type: 'string', description: 'The message\'s id, when it could be read.' } },
  agency: { always: true, schema: schema('AgencyId') },
};

const headers = Object.entries(DEAD_LETTER_HEADERS) as [keyof typeof DLQ_HEADERS, { always: boolean; schema: JsonSchema }][];
const DeadLetterHeaders: JsonSchema = {
  type: 'object',
  required: headers.filter(([, h]) => h.always).map(([key]) => DLQ_HEADERS[key]),
  properties: Object.fromEntries(headers.map(([key, h]) => [DLQ_HEADERS[key], h.schema])),
};

const vocabulary = (values: readonly string[], description?: string): JsonSchema => ({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

/** components.schemas: the envelopes, the shared formats and the domain's vocabularies. */
export const SCHEMAS: Record<string, JsonSchema> = {
  DeliveredEvent,
  DeliveryHeaders,
  InboxMessage,
  DeadLetterHeaders,
  SubjectKey: { type: 'string', format: 'uuid', description: 'The person\'s id, so one person\'s messages keep their order on one partition.' },
  Uuid: { type: 'string', format: 'uuid' },
  Instant: { type: 'string', format: 'date-time' },
  Date: { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  // What the inbox and HTTP accept for a date or an instant (http/formats.ts isDateOrDateTime).
  DateOrDateTime: { anyOf: [schema('Date'), schema('Instant')], description: `${DATE_OR_DATE_TIME}, a real calendar day` },
  Municipality: { type: 'string', pattern: '^\\d{4}$', description: 'Municipality number, e.g. 0301.' },
  AgencyId: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,62}$' },
  SharingBasis: {
    oneOf: [
      { type: 'object', required: ['kind', 'entryId'], properties: { kind: { const: 'legal' }, entryId: { type: 'string' } } },
      { type: 'object', required: ['kind', 'consentId'], properties: { kind: { const: 'consent' }, consentId: uuid } },
    ],
  },
  DataCategory: vocabulary(DATA_CATEGORIES, `${[...SPECIAL_CATEGORIES].join(' and ')} are special categories.`),
  Purpose: vocabulary(PURPOSES),
  AgencyKind: vocabulary(AGENCY_KINDS),
  ContactChannel: vocabulary(CONTACT_CHANNELS),
  HouseholdRelation: vocabulary(HOUSEHOLD_RELATIONS),
};
