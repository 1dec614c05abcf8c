import type { CommandDeclaration } from './platform/commands/command-declaration';
import { CONSENT_COMMANDS } from './consents/consents.commands';
import { CONTACT_COMMANDS } from './contacts/contacts.commands';
import { COORDINATION_COMMANDS } from './coordination/coordination.commands';
import { REFERRAL_COMMANDS } from './referrals/referrals.commands';
import { SUBJECT_COMMANDS } from './subjects/subjects.commands';

/**
 * Every command the API takes, declared once in its feature (`<feature>/<feature>.commands.ts`):
 * the HTTP routes, the OpenAPI operations and the Kafka inbox are made from this list.
 */
export const COMMANDS: readonly CommandDeclaration[] = [...SUBJECT_COMMANDS, ...COORDINATION_COMMANDS, ...CONTACT_COMMANDS, ...CONSENT_COMMANDS, ...REFERRAL_COMMANDS];
