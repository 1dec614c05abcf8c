import { EVENT_SCHEMAS, type DomainEvent, type JsonSchema } from '@samhandling/domain';
import { eventType } from '@samhandling/messaging';
import { CONTACT_RECORDED_EXAMPLES } from './event-examples';
import { lines, schemaRef } from './text';

type EventName = DomainEvent['type'];
/** What an event means to the agency receiving it, and (in parentheses) the categories it is labelled with. */
interface EventProse { title: string; description?: string; examples?: readonly JsonSchema[] }

/** Every event type, in the order the channel lists them; a type the domain adds fails the typecheck here. */
const EVENTS: Readonly<Record<EventName, EventProse>> = {
  SubjectRegistered: { title: 'A person is registered (categories identity)' },
  ResidenceGranted: { title: 'Residence granted by the national authority (residence; + family_situation with family reunification)' },
  ArrivalNotice: {
    title: 'The municipality is told of a family-reunification arrival (identity, residence, family_situation)',
    description: lines(
      'Emitted with every residence grant for family reunification, beside the HouseholdLinked of',
      'the person and their sponsor. Pushed to the settling municipality\'s refugee and health',
      'services only where the catalog entry `family-reunification-notice` is enabled',
      '(LEGAL_BASES_ENABLED=family-reunification-notice); off by default.',
    ),
  },
  HouseholdLinked: {
    title: 'Two people linked as a household (family_situation)',
    description: 'Recorded by LinkHousehold, and with a family-reunification grant (sponsor and `relationToSponsor`).',
  },
  CoordinatorDesignated: {
    title: 'One agency becomes the person\'s coordinator (contact_log)',
    description: 'On the person\'s consent naming the coordinator, or a catalog entry reaching its kind; voluntary organisations on consent only. Replaces any earlier designation (`previousAgency`).',
  },
  ContactRecorded: { title: 'An agency had a contact with the person (its categories)', examples: CONTACT_RECORDED_EXAMPLES },
  ConsentGiven: { title: 'The person\'s consent or objection, as FHIR Consent provisions (the consent\'s categories)' },
  ConsentWithdrawn: { title: 'A consent is withdrawn (the consent\'s categories); deliveries on it stop from here' },
  ConsentConfirmed: { title: 'A discloser checked a consent\'s evidence and relies on it for its own records (the consent\'s categories)' },
  ConsentRejected: { title: 'A discloser will not rely on a consent for its records; it stays valid for the others (the consent\'s categories)' },
  ReferralSent: { title: 'A referral from one agency to another (referral + its categories)' },
  ReferralAcknowledged: { title: 'The receiving agency acknowledged the referral' },
  ReferralAccepted: { title: 'The receiving agency accepted the referral' },
  ReferralDeclined: { title: 'The receiving agency declined the referral, possibly suggesting another' },
  ReferralCompleted: { title: 'The receiving agency completed the referral' },
  ReferralEscalated: {
    title: 'A referral deadline passed unmet',
    description: 'The sender and the person\'s coordinator (listed in `notify`) hear of it; the coordinator on category `referral` only.',
  },
};

export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

/** Each event as delivered: the CloudEvents envelope, its `type`, and the event's data schema from the domain. */
export const eventMessages = (): Record<string, JsonSchema> =>
  Object.fromEntries(EVENT_NAMES.map((name) => {
    const { title, description, examples } = EVENTS[name];
    return [name, {
      name,
      title,
      ...(description ? { description } : {}),
      traits: [{ $ref: '#/components/messageTraits/delivered' }],
      payload: { allOf: [schemaRef('DeliveredEvent'), { properties: { type: { const: eventType(name) }, data: EVENT_SCHEMAS[name] } }] },
      ...(examples ? { examples } : {}),
    }];
  }));
