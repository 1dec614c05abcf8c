import { agencyTopic, deadLetterTopic, inboxTopic } from '@samhandling/messaging';
import { EVENT_NAMES, eventMessages } from './event-messages';
import { inboxMessages } from './inbox-messages';
import { SCHEMAS } from './schemas';
import { lines, messageRef, schemaRef } from './text';

/** A topic's address with the agency as the channel parameter, made by topics.ts's own function. */
const PLACEHOLDER = 'agency-placeholder';
const address = (topic: (agency: string) => string): string => topic(PLACEHOLDER).replace(PLACEHOLDER, '{agency}');
const AGENCY_TOPIC = address(agencyTopic);
const INBOX_TOPIC = address(inboxTopic);
const DEAD_LETTER_TOPIC = address(deadLetterTopic);

const agencyParameter = { agency: { $ref: '#/components/parameters/agency' } };
const kafkaKey = { kafka: { key: schemaRef('SubjectKey'), bindingVersion: '0.5.0' } };
const refs = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, messageRef(name)]));

const INFO = {
  title: 'Samhandling topics',
  version: '1.0.0',
  description: lines(
    'The Kafka interface of Samhandling, seen from Samhandling: it **sends** each agency the events',
    `it is entitled to on \`${AGENCY_TOPIC}\`, **receives** the agency's commands on its inbox`,
    `\`${INBOX_TOPIC}\`, and **sends** the commands it refused to the agency's dead-letter`,
    `topic \`${DEAD_LETTER_TOPIC}\`. An agency system does the opposite on its own three`,
    'topics; broker ACLs let it read only its topic and dead letters and write only its inbox.',
    '',
    'Delivery is at least once. Every event carries its id in the log (`id`, also header `ce_id`):',
    'deduplicate on it, e.g. with `runProjectionConsumer` of the package `@samhandling/agency-kit`',
    '(packages/agency-kit; see `examples/agency-system`), which applies each event exactly once to a',
    'PostgreSQL projection, from this topic or the HTTP feed, and rebuilds it from zero from the feed.',
    'Messages are keyed by the person\'s id, so one person\'s events arrive in log order.',
    '',
    'Every delivery was decided by the legal-basis catalog or the person\'s consent at the event\'s',
    'point in the log, and recorded in the disclosure log before it was sent: `basis` cites the',
    'bases, `disclosureid` the record (empty for the agency\'s own records, basis `own`).',
    'Payloads contain personal data, special categories included (`categories`): treat them as such.',
  ),
  license: { name: 'MIT' },
};

const SERVERS = {
  production: {
    host: 'kafka.example.org:9093',
    protocol: 'kafka-secure',
    description: 'SASL/SCRAM-SHA-512 over TLS; one principal per agency system (see apps/relay/README.md for the ACLs).',
    security: [{ $ref: '#/components/securitySchemes/scram' }],
  },
  development: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'The single-node broker of deploy/kafka, no authentication.' },
};

const channels = (inbox: readonly string[]) => ({
  agencyEvents: {
    address: AGENCY_TOPIC,
    title: 'An agency\'s events',
    description: 'Every event the agency may receive — its own records (basis `own`) and others\' it is entitled to.',
    parameters: agencyParameter,
    messages: refs(EVENT_NAMES),
    bindings: { kafka: { partitions: 3, topicConfiguration: { 'cleanup.policy': ['delete'] }, bindingVersion: '0.5.0' } },
  },
  inbox: {
    address: INBOX_TOPIC,
    title: 'An agency\'s inbox',
    description: lines(
      'Commands from the agency\'s system, each validated and decided exactly as its HTTP twin',
      '(`POST /subjects`, `/subjects/{id}/contacts`, …). The sender is the topic\'s agency; `id` is the',
      'Idempotency-Key, shared with HTTP: a re-sent message appends nothing. A refused message goes to',
      'the dead-letter topic with the error HTTP would have answered. A message that keeps failing for',
      'another reason than the database being away (INBOX_MAX_ATTEMPTS tries, default 5) goes there too,',
      'as INBOX.NOT_PROCESSED, so that it does not hold up the messages behind it on its partition.',
    ),
    parameters: agencyParameter,
    messages: refs(inbox),
  },
  deadLetters: { address: DEAD_LETTER_TOPIC, title: 'An agency\'s refused commands', parameters: agencyParameter, messages: refs(['DeadLetter']) },
});

const OPERATIONS = {
  sendAgencyEvents: {
    action: 'send',
    channel: { $ref: '#/channels/agencyEvents' },
    summary: 'The relay delivers each entitled event, after recording the disclosure (at least once; deduplicate on id).',
  },
  receiveInboxCommands: {
    action: 'receive',
    channel: { $ref: '#/channels/inbox' },
    summary: 'The API consumes each agency\'s inbox and decides the commands as HTTP would.',
  },
  sendDeadLetters: {
    action: 'send',
    channel: { $ref: '#/channels/deadLetters' },
    summary: 'A refused (or repeatedly failing) command, unchanged, with the error in its headers; the inbox offset moves only after it is written.',
  },
};

const DEAD_LETTER = {
  name: 'DeadLetter',
  title: 'A refused inbox command',
  description: lines(
    'The original message — key, value and headers unchanged — plus headers saying what HTTP',
    'would have answered. Fix and re-send it to the inbox with the same `id`: a command that was',
    'refused appended nothing, so the id is still free.',
  ),
  contentType: 'application/json',
  headers: schemaRef('DeadLetterHeaders'),
  payload: { description: 'The original message value, byte for byte (may not even be JSON).' },
  bindings: kafkaKey,
};

const COMPONENTS = {
  parameters: {
    agency: {
      description: 'Agency id from the agency directory (config/agencies.json), matching ^[a-z0-9][a-z0-9-]{1,62}$.',
      examples: ['oslo-health', 'oslo-refugee', 'nav-oslo'],
    },
  },
  securitySchemes: {
    scram: { type: 'scramSha512', description: 'One SCRAM principal per agency system, over TLS (KAFKA_SSL=true, KAFKA_SASL_MECHANISM=scram-sha-512).' },
    plain: { type: 'plain', description: 'SASL/PLAIN over TLS, where the platform only offers that (KAFKA_SASL_MECHANISM=plain).' },
  },
  messageTraits: {
    delivered: { contentType: 'application/cloudevents+json', headers: schemaRef('DeliveryHeaders'), bindings: kafkaKey },
    inboxCommand: { contentType: 'application/json', bindings: kafkaKey },
  },
};

/**
 * The AsyncAPI 3 document of the Kafka interface, made from code: the topics from topics.ts, the
 * inbox messages from the command declarations (COMMANDS) and their DTOs, each event's data schema
 * from the domain, the dead-letter headers from DLQ_HEADERS. `npm run asyncapi` writes it to
 * docs/asyncapi.yaml; contract/asyncapi.spec.ts fails while the committed copy differs.
 */
export function asyncApiDocument() {
  const inbox = inboxMessages();
  return {
    asyncapi: '3.0.0',
    info: INFO,
    defaultContentType: 'application/cloudevents+json',
    servers: SERVERS,
    channels: channels(Object.keys(inbox)),
    operations: OPERATIONS,
    components: { ...COMPONENTS, messages: { ...eventMessages(), ...inbox, DeadLetter: DEAD_LETTER }, schemas: SCHEMAS },
  };
}
