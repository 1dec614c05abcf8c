/** The public entry of @samhandling/domain: other libs and apps import from here only. */
import type { ConsentCommand } from './consent/consent.commands';
import type { ConsentEvent } from './consent/consent.events';
import type { ContactCommand } from './contact/contact.commands';
import type { ContactEvent } from './contact/contact.events';
import type { ReferralCommand } from './referral/referral.commands';
import type { ReferralEvent } from './referral/referral.events';
import type { SubjectCommand } from './subject/subject.commands';
import type { SubjectEvent } from './subject/subject.events';
import type { EventSchemas } from './shared/schema';
import { CONSENT_EVENT_SCHEMAS } from './consent/consent.schemas';
import { CONTACT_EVENT_SCHEMAS } from './contact/contact.schemas';
import { REFERRAL_EVENT_SCHEMAS } from './referral/referral.schemas';
import { SUBJECT_EVENT_SCHEMAS } from './subject/subject.schemas';

export * from './shared/decider';
export * from './shared/errors';
export * from './shared/categories';
export * from './shared/time';
export * from './shared/validation';
export * from './shared/sharing-basis';
export type { DataSchema, EventSchemas, JsonSchema, SharedSchema } from './shared/schema';
export * from './streams';

export * from './subject/subject.events';
export * from './subject/subject.schemas';
export * from './subject/subject.commands';
export * from './subject/subject.decider';

export * from './contact/contact.events';
export * from './contact/contact.schemas';
export * from './contact/contact.commands';
export * from './contact/contact.decider';

export * from './consent/consent.events';
export * from './consent/consent.schemas';
export * from './consent/consent.commands';
export * from './consent/consent.decider';
export * from './consent/consent-status';

export * from './referral/referral.events';
export * from './referral/referral.schemas';
export * from './referral/referral.commands';
export * from './referral/referral.decider';
export { reReferral, type ReReferral } from './referral/referral.rereferral';
export { REFERRAL_PURPOSES } from './referral/referral.send';

/** Every event the domain writes; the relay and projections switch on `type`. */
export type DomainEvent = SubjectEvent | ContactEvent | ConsentEvent | ReferralEvent;
/** The data schema of every event type, for the AsyncAPI document. */
export const EVENT_SCHEMAS = { ...SUBJECT_EVENT_SCHEMAS, ...CONTACT_EVENT_SCHEMAS, ...CONSENT_EVENT_SCHEMAS, ...REFERRAL_EVENT_SCHEMAS } satisfies EventSchemas<DomainEvent>;
export type DomainCommand = SubjectCommand | ContactCommand | ConsentCommand | ReferralCommand;
