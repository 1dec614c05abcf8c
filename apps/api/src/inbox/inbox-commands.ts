import type { Type } from '@nestjs/common';
import { COMMANDS } from '../command-catalog';
import { pathParams, type BusMessage, type CommandDeclaration, type Params } from '../platform/commands/command-declaration';
import type { CommandContext } from '../platform/commands/handle-command';

export type { BusMessage } from '../platform/commands/command-declaration';

/**
 * One inbox command, made from the command's declaration: the ids its HTTP twin takes from the
 * URL (`params`, by their names in a message's `data`), the body DTO it is validated with, the
 * twin's path (so a message and an HTTP request with the same Idempotency-Key are the same
 * request) and the bus message the twin's route dispatches.
 */
export interface InboxCommand {
  params: readonly string[];
  /** Absent for commands whose HTTP twin takes no body: then `data` holds the params only. */
  dto?: Type<object>;
  path(params: Params): string;
  build(body: object, params: Params, context: CommandContext): BusMessage;
}

function inboxCommand(d: CommandDeclaration): InboxCommand {
  const ids = pathParams(d.path);
  const named = (id: string) => d.inboxNames?.[id] ?? id;
  // From the message's names to the URL's.
  const urlIds = (params: Params): Params => Object.fromEntries(ids.map((id) => [id, params[named(id)]]));
  return {
    params: ids.map(named),
    dto: d.dto,
    path: (params) => `/${d.path.replace(/:([A-Za-z]+)/g, (_, id: string) => params[named(id)])}`,
    build: (body, params, context) => d.build(body, urlIds(params), context),
  };
}

/** Every command an agency's system may publish to its inbox, by `type`. */
export const INBOX_COMMANDS: Readonly<Record<string, InboxCommand>> = Object.fromEntries(COMMANDS.map((d) => [d.name, inboxCommand(d)]));

export const inboxCommandTypes = (): string[] => Object.keys(INBOX_COMMANDS);
