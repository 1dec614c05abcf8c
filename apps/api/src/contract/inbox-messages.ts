import type { JsonSchema } from '@samhandling/domain';
import { COMMANDS } from '../command-catalog';
import { pathParams, type CommandDeclaration } from '../platform/commands/command-declaration';
import { SharingBasisDto } from '../platform/http/sharing-basis.dto';
import { dtoSchema, type Named } from './dto-schema';
import { SCHEMAS } from './schemas';
import { schemaRef } from './text';

/** How the converter names what the shared schemas already describe. */
const NAMED: Named = {
  schemas: SCHEMAS,
  classes: new Map([[SharingBasisDto, 'SharingBasis']]),
  validators: { isDateOrDateTime: 'DateOrDateTime' },
  objectRules: {
    exactlyOneRecipient: { description: 'Names exactly one of agency or agencyKind.', oneOf: [{ required: ['agency'] }, { required: ['agencyKind'] }] },
  },
};

/**
 * A message's `data`: the URL ids by their inbox names (required UUIDs), then the body DTO's
 * fields as its validation rules describe them. Closed, as the inbox refuses any other field.
 */
export function inboxData(d: CommandDeclaration): JsonSchema {
  const ids = pathParams(d.path).map((id) => d.inboxNames?.[id] ?? id);
  const body = d.dto ? dtoSchema(d.dto, NAMED) : { required: [], properties: {}, rules: {} };
  return {
    type: 'object',
    additionalProperties: false,
    ...body.rules,
    required: [...new Set([...ids, ...body.required])],
    properties: { ...Object.fromEntries(ids.map((id) => [id, schemaRef('Uuid')])), ...body.properties },
  };
}

/** One inbox message per command: titled by its HTTP twin, summarised and described as declared. */
function inboxMessage(d: CommandDeclaration): JsonSchema {
  const note = d.inbox ?? {};
  const route = `POST /${d.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
  const description = [d.description, note.description].filter(Boolean).join('\n\n');
  return {
    name: d.name,
    title: note.audience ? `${route} (${note.audience})` : route,
    summary: d.summary,
    ...(description ? { description } : {}),
    traits: [{ $ref: '#/components/messageTraits/inboxCommand' }],
    payload: { allOf: [schemaRef('InboxMessage'), { properties: { type: { const: d.name }, data: inboxData(d) } }] },
    ...(note.examples ? { examples: note.examples } : {}),
  };
}

/** Every command of COMMANDS, by name, in the catalog's order. */
export const inboxMessages = (): Record<string, JsonSchema> => Object.fromEntries(COMMANDS.map((d) => [d.name, inboxMessage(d)]));
