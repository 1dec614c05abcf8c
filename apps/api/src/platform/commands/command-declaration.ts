import type { Type } from '@nestjs/common';
import { WRITER_RULES, type WrittenCommand } from '@samhandling/policy';
import type { ConsentCommandMessage, ContactCommandMessage, ReferralCommandMessage, ReReferralMessage, SubjectCommandMessage } from './command-message';
import type { CommandContext } from './handle-command';

export type BusMessage = SubjectCommandMessage | ContactCommandMessage | ConsentCommandMessage | ReferralCommandMessage | ReReferralMessage;
/** The ids a command takes from its URL, by their names in the path. */
export type Params = Record<string, string>;

/** What an inbox message needs said beyond its command's declaration: who sends it, inbox-only names, an example. */
export interface InboxNote {
  /** Who issues it, after the HTTP twin in the message's title. */
  audience?: string;
  /** Prose as it reads in the YAML (a literal block: lines end with a newline). */
  description?: string;
  examples?: readonly object[];
}

/** Prose wrapped as it reads in the YAML (a literal block): one argument per line, '' between paragraphs. */
export const lines = (...text: string[]): string => `${text.join('\n')}\n`;

/**
 * One command, declared once. Its HTTP route and OpenAPI operation (platform/http/command-routes.ts),
 * its Kafka inbox entry (inbox/inbox-commands.ts) and its AsyncAPI message (contract/) are made
 * from it; who may issue it is a writer rule in libs/policy (see `writer`).
 */
export interface CommandDeclaration<D extends object = object> {
  /** The command's name: the inbox message's `type` and its HTTP twin's operation. */
  name: string;
  /**
   * Who may issue it: the writer rule (libs/policy WRITER_RULES) of the domain command it builds,
   * which WriterCheck enforces for HTTP and the inbox alike. Default: the rule named `name`.
   */
  writer?: WrittenCommand;
  /** Its OpenAPI tag; the commands of one tag are served by one controller. */
  tag: string;
  /** The method name its route had, kept in the OpenAPI operationId (`<Tag>Controller_<operation>`). */
  operation: string;
  /** POST path, with `:id` segments (UUIDs); an inbox message carries them inside `data`. */
  path: string;
  /** Where an inbox message names a URL id differently (the body already has a field of that name). */
  inboxNames?: Readonly<Record<string, string>>;
  /** Body DTO; absent when the command takes none (then the inbox `data` holds the ids only). */
  dto?: Type<D>;
  summary: string;
  description?: string;
  /** The aggregate whose stream it appends to (`<stream>-<id>`), decided by that aggregate's handler. */
  stream: 'subject' | 'contact' | 'consent' | 'referral';
  /** The events it may append, the main one first (the OpenAPI 201 description names it). */
  produces: readonly [string, ...string[]];
  /** What its inbox message needs said beyond the above, for the AsyncAPI document. */
  inbox?: InboxNote;
  /** The bus message for its aggregate's handler, from the validated body, the URL ids and the caller. */
  build(dto: D, params: Params, context: CommandContext): BusMessage;
}

/** Typed per DTO where declared; kept erased in the lists that HTTP and the inbox read. */
export function declareCommand<D extends object>(declaration: CommandDeclaration<D>): CommandDeclaration {
  if (declaration.writer === undefined && !Object.hasOwn(WRITER_RULES, declaration.name)) {
    throw new Error(`Command ${declaration.name} has no writer rule: name the one it is checked under (writer)`);
  }
  return declaration as unknown as CommandDeclaration;
}

/** The writer rule a declared command is checked under. */
export const writerOf = (declaration: CommandDeclaration): WrittenCommand => declaration.writer ?? (declaration.name as WrittenCommand);

/** `subjects/:subjectId/consents/:consentId/withdrawal` → ['subjectId', 'consentId']. */
export const pathParams = (path: string): string[] => [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
