import type { Type } from '@nestjs/common';
import type { WrittenCommand } from '@samhandling/policy';
import type { ConsentCommandMessage, ContactCommandMessage, ReferralCommandMessage, ReReferralMessage, SubjectCommandMessage } from './command-message';
import type { CommandContext } from './handle-command';

export type BusMessage = SubjectCommandMessage | ContactCommandMessage | ConsentCommandMessage | ReferralCommandMessage | ReReferralMessage;
/** The ids a command takes from its URL, by their names in the path. */
export type Params = Record<string, string>;

/**
 * One command, declared once. The HTTP route and its OpenAPI operation (http/command-routes.ts)
 * and the Kafka inbox message (inbox/inbox-commands.ts) are derived from it; who may issue it is
 * its writer rule in libs/policy (WRITER_RULES[name], enforced by WriterCheck for both).
 */
export interface CommandDeclaration<D extends object = object> {
  /** The command's name: the inbox message's `type`, its writer rule, the span and metric label. */
  name: WrittenCommand;
  /** The feature it belongs to: its OpenAPI tag. */
  feature: string;
  /** The method name its route had, kept in the OpenAPI operationId (`<Feature>Controller_<operation>`). */
  operation: string;
  /** POST path, with `:id` segments (UUIDs); an inbox message carries them inside `data`. */
  path: string;
  /** Where an inbox message names a URL id differently (the body already has a field of that name). */
  inboxNames?: Readonly<Record<string, string>>;
  /** Body DTO; absent when the command takes none (then the inbox `data` holds the ids only). */
  dto?: Type<D>;
  summary: string;
  description?: string;
  /** The event the command appends when it succeeds (the OpenAPI 201 description names it). */
  produces: string;
  /** The bus message for its aggregate's handler, from the validated body, the URL ids and the caller. */
  build(dto: D, params: Params, context: CommandContext): BusMessage;
}

/** Typed per DTO where declared; kept erased in the lists that HTTP and the inbox read. */
export const declareCommand = <D extends object>(declaration: CommandDeclaration<D>): CommandDeclaration =>
  declaration as unknown as CommandDeclaration;

/** `subjects/:subjectId/consents/:consentId/withdrawal` → ['subjectId', 'consentId']. */
export const pathParams = (path: string): string[] => [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
