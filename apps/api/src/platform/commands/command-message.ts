import type { ContactCommand, ConsentCommand, ReferralCommand, ReReferral, SubjectCommand } from '@samhandling/domain';
import type { CommandContext } from './handle-command';

/** Bus messages, one per aggregate: the handler checks cross-stream rules, then decides. */
export class SubjectCommandMessage {
  constructor(readonly command: SubjectCommand, readonly context: CommandContext) {}
}
export class ContactCommandMessage {
  constructor(readonly command: ContactCommand, readonly context: CommandContext) {}
}
export class ConsentCommandMessage {
  constructor(readonly command: ConsentCommand, readonly context: CommandContext) {}
}
export class ReferralCommandMessage {
  constructor(readonly command: ReferralCommand, readonly context: CommandContext) {}
}

/** Re-send a declined referral in one step: the handler reads the declined one and sends a new one. */
export class ReReferralMessage {
  constructor(readonly declinedReferralId: string, readonly input: ReReferral, readonly context: CommandContext, readonly now = new Date()) {}
}

/** Command metadata from the request context; the clock is read here, never inside decide. */
export const metadataOf = (context: CommandContext, now = new Date()) => ({ agency: context.agency, actor: context.actor, now: now.toISOString() });

/** A validated DTO as plain JSON data: no class prototypes, no properties left undefined. */
export const plain = <T>(dto: T): T => JSON.parse(JSON.stringify(dto)) as T;
