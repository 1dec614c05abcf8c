/** The public entry of @samhandling/domain: other libs and apps import from here only. */
import type { ConsentCommand } from './consents/consent.commands';
import type { ConsentEvent } from './consents/consent.events';
import type { ContactCommand } from './contacts/contact.commands';
import type { ContactEvent } from './contacts/contact.events';
import type { ReferralCommand } from './referrals/referral.commands';
import type { ReferralEvent } from './referrals/referral.events';
import type { SubjectCommand } from './subjects/subject.commands';
import type { SubjectEvent } from './subjects/subject.events';
import type { EventSchemas } from './shared/schema';
import { CONSENT_EVENT_SCHEMAS } from './consents/consent.schemas';
import { CONTACT_EVENT_SCHEMAS } from './contacts/contact.schemas';
import { REFERRAL_EVENT_SCHEMAS } from './referrals/referral.schemas';
import { SUBJECT_EVENT_SCHEMAS } from './subjects/subject.schemas';
import { COORDINATION_EVENT_SCHEMAS } from './coordination/coordination.schemas';

export * from './shared/decider';
export * from './shared/errors';
export * from './shared/categories';
export * from './shared/time';
export * from './shared/validation';
export * from './shared/sharing-basis';
export type { DataSchema, EventSchemas, JsonSchema, SharedSchema } from './shared/schema';
export * from './streams';

export * from './subjects/subject.events';
export * from './subjects/subject.schemas';
export * from './coordination/coordination.schemas';
export * from './subjects/subject.commands';
export * from './subjects/subject.decider';

export * from './contacts/contact.events';
export * from './contacts/contact.schemas';
export * from './contacts/contact.commands';
export * from './contacts/contact.decider';

export * from './consents/consent.events';
export * from './consents/consent.schemas';
export * from './consents/consent.commands';
export * from './consents/consent.decider';
export * from './consents/consent-status';

export * from './referrals/referral.events';
export * from './referrals/referral.schemas';
export * from './referrals/referral.commands';
export * from './referrals/referral.decider';
export { reReferral, type ReReferral } from './referrals/referral.rereferral';
export { REFERRAL_PURPOSES } from './referrals/referral.send';

/** Every event the domain writes; the relay and projections switch on `type`. */
export type DomainEvent = SubjectEvent | ContactEvent | ConsentEvent | ReferralEvent;
/** The data schema of every event type, for the AsyncAPI document. */
export const EVENT_SCHEMAS = { ...SUBJECT_EVENT_SCHEMAS, ...COORDINATION_EVENT_SCHEMAS, ...CONTACT_EVENT_SCHEMAS, ...CONSENT_EVENT_SCHEMAS, ...REFERRAL_EVENT_SCHEMAS } satisfies EventSchemas<DomainEvent>;
export type DomainCommand = SubjectCommand | ContactCommand | ConsentCommand | ReferralCommand;
