import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parse } from 'yaml';
import { AGENCY_KINDS, CONTACT_CHANNELS, DATA_CATEGORIES, HOUSEHOLD_RELATIONS, PURPOSES, type DomainEvent } from '@samhandling/domain';
import { parseDeliveredEvent } from '@samhandling/agency-kit';
import { agencyTopic, deadLetterTopic, eventType, inboxAgency, inboxTopic } from '@samhandling/messaging';
import { envelope } from '../../../../packages/agency-kit/test/support/topic-fixture';
import { DLQ_HEADERS } from '../inbox/dead-letter';
import { INBOX_COMMANDS, inboxCommandTypes } from '../inbox/inbox-commands';

/**
 * The committed document (what agency systems read) checked against the code it describes; the
 * generator makes it from that code (asyncapi.spec.ts checks the copy is current), so these hold
 * unless the generator itself goes wrong. (It lived in libs/messaging; it reads the API's inbox
 * table and dead-letter headers, so it belongs with the generator in the API.)
 */

/**
 * Every event type of the domain. A type the domain adds fails the typecheck here until it is
 * listed, and the test below then fails until docs/asyncapi.yaml describes it.
 */
const EVENT_TYPES = [
  'SubjectRegistered', 'ResidenceGranted', 'ArrivalNotice', 'HouseholdLinked', 'CoordinatorDesignated', 'ContactRecorded',
  'ConsentGiven', 'ConsentWithdrawn', 'ConsentConfirmed', 'ConsentRejected', 'ReferralSent', 'ReferralAcknowledged', 'ReferralAccepted', 'ReferralDeclined',
  'ReferralCompleted', 'ReferralEscalated',
] as const;
type Unlisted = Exclude<DomainEvent['type'], (typeof EVENT_TYPES)[number]>;
const everyEventListed: [Unlisted] extends [never] ? true : Unlisted = true;

type Node = Record<string, any>;
const doc = parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'asyncapi.yaml'), 'utf8')) as Node;
const resolve = (ref: string): unknown => ref.replace(/^#\//, '').split('/').reduce<any>((node, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
const payloadType = (message: Node): unknown => (message.payload.allOf as Node[]).find((s) => s.properties?.type)?.properties.type.const;
const messagesOf = (channel: string): Record<string, Node> =>
  Object.fromEntries(Object.entries(doc.channels[channel].messages as Record<string, Node>).map(([name, m]) => [name, resolve(m.$ref) as Node]));

describe('docs/asyncapi.yaml', () => {
  it('is an AsyncAPI 3 document whose every reference resolves', () => {
    expect(everyEventListed).toBe(true);
    expect(doc.asyncapi).toBe('3.0.0');
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) (k === '$ref' ? refs.push(v as string) : walk(v));
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(100);
    expect(refs.filter((r) => !r.startsWith('#/') || resolve(r) === undefined)).toEqual([]);
  });

  it('names the topics exactly as topics.ts does', () => {
    const address = (channel: string) => (doc.channels[channel].address as string).replace('{agency}', 'oslo-health');
    expect(address('agencyEvents')).toBe(agencyTopic('oslo-health'));
    expect(address('inbox')).toBe(inboxTopic('oslo-health'));
    expect(inboxAgency(address('inbox'))).toBe('oslo-health');
    expect(address('deadLetters')).toBe(deadLetterTopic('oslo-health'));
    for (const channel of Object.values(doc.channels as Record<string, Node>)) expect(Object.keys(channel.parameters)).toEqual(['agency']);
  });

  it('describes every event type of the domain, in the envelope the relay writes', () => {
    const messages = messagesOf('agencyEvents');
    expect(Object.keys(messages).sort()).toEqual([...EVENT_TYPES].sort());
    for (const [name, message] of Object.entries(messages)) expect({ name, type: payloadType(message) }).toEqual({ name, type: eventType(name) });
    expect([...doc.components.schemas.DeliveredEvent.required].sort()).toEqual(Object.keys(envelope('ContactRecorded', {})).sort());
    expect(Object.keys(doc.components.schemas.DeliveryHeaders.properties)).toEqual(['ce_id', 'ce_type', 'ce_specversion', 'content-type']);
    for (const example of messages.ContactRecorded.examples as Node[]) expect(parseDeliveredEvent(JSON.stringify(example.payload)).ok).toBe(true);
  });

  it('describes every inbox command and every dead-letter header the API uses', () => {
    const commands = messagesOf('inbox');
    expect(Object.keys(commands).sort()).toEqual(inboxCommandTypes().sort());
    for (const [name, message] of Object.entries(commands)) expect(payloadType(message)).toBe(name);
    expect(Object.keys(doc.components.schemas.DeadLetterHeaders.properties).sort()).toEqual(Object.values(DLQ_HEADERS).sort());
  });

  it('gives each inbox command exactly the fields the inbox accepts: the URL ids by their message names, then the body DTO', () => {
    const dataOf = (message: Node): Node => (message.payload.allOf as Node[]).find((s) => s.properties?.data)!.properties.data;
    const bodyFields = (dto: Function | undefined) =>
      dto ? getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((m) => m.propertyName) : [];
    for (const [type, message] of Object.entries(messagesOf('inbox'))) {
      const { params, dto } = INBOX_COMMANDS[type];
      const fields = [...new Set([...params, ...bodyFields(dto)])].sort();
      expect({ type, documented: Object.keys(dataOf(message).properties).sort() }).toEqual({ type, documented: fields });
      expect({ type, requiresUrlIds: params.every((p) => dataOf(message).required.includes(p)) }).toEqual({ type, requiresUrlIds: true });
    }
  });

  it('uses the domain vocabularies', () => {
    const enumOf = (schema: string) => doc.components.schemas[schema].enum;
    expect(enumOf('DataCategory')).toEqual([...DATA_CATEGORIES]);
    expect(enumOf('Purpose')).toEqual([...PURPOSES]);
    expect(enumOf('AgencyKind')).toEqual([...AGENCY_KINDS]);
    expect(enumOf('ContactChannel')).toEqual([...CONTACT_CHANNELS]);
    expect(enumOf('HouseholdRelation')).toEqual([...HOUSEHOLD_RELATIONS]);
  });

  it('secures production with SASL and gives every operation a channel', () => {
    const schemes = (doc.servers.production.security as Node[]).map((s) => (resolve(s.$ref) as Node).type);
    expect(schemes).toEqual(['scramSha512']);
    for (const op of Object.values(doc.operations as Record<string, Node>)) expect(resolve(op.channel.$ref)).toBeDefined();
  });
});
