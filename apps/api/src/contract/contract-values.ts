import { COMMANDS } from '../command-catalog';
import { pathParams } from '../platform/commands/command-declaration';
import type { Schema } from './schema-to-ts';

/*
 * The values of the contract a client needs at run time, beside its types in contract.ts: the data
 * categories (what a delivered event may be labelled with), the topic names, and each command's
 * HTTP route (path and which of the message's `data` fields fill it). Made from the AsyncAPI
 * document and the command declarations, as the types are.
 */

/** An HTTP route as the client fills it: `{name}` placeholders named as the inbox message's `data` fields. */
function route(name: string): { path: string; params: string[] } {
  const declaration = COMMANDS.find((d) => d.name === name);
  if (!declaration) throw new Error(`inbox command ${name} has no declaration`);
  const named = (id: string) => declaration.inboxNames?.[id] ?? id;
  return {
    path: `/${declaration.path.replace(/:([A-Za-z]+)/g, (_, id: string) => `{${named(id)}}`)}`,
    params: pathParams(declaration.path).map(named),
  };
}

/** `samhandling.{agency}.v1` as a function of the agency. */
const topicFunction = (name: string, address: string): string =>
  `export const ${name} = (agency: AgencyId): string => \`${address.replace('{agency}', '${agency}')}\`;\n`;

export function contractValues(doc: Schema, inboxCommands: readonly string[]): string {
  const categories = doc.components.schemas.DataCategory.enum as string[];
  const routes = inboxCommands.map((name) => {
    const r = route(name);
    return `  ${name}: { path: '${r.path}', params: [${r.params.map((p) => `'${p}'`).join(', ')}] },`;
  });
  return [
    '// Values\n',
    '/** Every data category a delivered event may carry. */',
    `export const DATA_CATEGORIES: readonly DataCategory[] = [${categories.map((c) => `'${c}'`).join(', ')}];\n`,
    '/** The CloudEvents type of a domain event type: `no.samhandling.<EventType>.v1`. */',
    `export const EVENT_TYPE_PREFIX = 'no.samhandling.';\n`,
    '/** The agency\'s topic of delivered events. */',
    topicFunction('agencyTopic', doc.channels.agencyEvents.address),
    '/** The agency\'s inbox topic, for commands. */',
    topicFunction('inboxTopic', doc.channels.inbox.address),
    '/** The agency\'s dead-letter topic: its refused commands. */',
    topicFunction('deadLetterTopic', doc.channels.deadLetters.address),
    '/** Each command\'s HTTP route (POST): `{field}` is taken from the command\'s data, the rest of the data is the body. */',
    `export const COMMAND_ROUTES: { readonly [C in InboxCommand['type']]: { readonly path: string; readonly params: readonly string[] } } = {\n${routes.join('\n')}\n};\n`,
  ].join('\n');
}
