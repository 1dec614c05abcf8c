import type { OpenAPIObject } from '@nestjs/swagger';

const READ_PATH = '/subjects/{subjectId}/projections/{projection}';

/**
 * The read route's `projection` enum as this deployment serves it: the decorators know the
 * built-ins, the configured custom projections are added once they are loaded. Without any, the
 * document is the built-ins' alone.
 */
export function listCustomProjections(document: OpenAPIObject, names: readonly string[]): void {
  if (names.length === 0) return;
  const parameter = document.paths[READ_PATH]?.get?.parameters?.find((p) => 'name' in p && p.name === 'projection' && p.in === 'path');
  const schema = parameter && 'schema' in parameter ? parameter.schema : undefined;
  if (!schema || !('enum' in schema) || !Array.isArray(schema.enum)) throw new Error(`OpenAPI: ${READ_PATH} has no projection enum to add the custom projections to`);
  schema.enum = [...schema.enum, ...names];
}
