import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import type { JsonSchema } from '@samhandling/domain';

/** Where @nestjs/swagger keeps a property's @ApiProperty options. */
const API_PROPERTY = 'swagger/apiModelProperties';

/** What the converter refers to by name instead of spelling out: see SCHEMAS in schemas.ts. */
export interface Named {
  /** Shared schemas by name; a string rule (pattern, enum) equal to one of them becomes a $ref. */
  schemas: Readonly<Record<string, JsonSchema>>;
  /** DTO classes described once among the shared schemas (e.g. SharingBasisDto → SharingBasis). */
  classes: ReadonlyMap<Function, string>;
  /** Custom validators (by their constraint name) that stand for a shared schema. */
  validators: Readonly<Record<string, string>>;
  /** Cross-field rules (@Validate(Class) on a non-field, by the constraint's name) as schema keywords of their object. */
  objectRules: Readonly<Record<string, JsonSchema>>;
}

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const sameValues = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The JSON schema of a DTO, read from the rules the inbox and HTTP validate it with (class-validator),
 * and the descriptions its OpenAPI schema shows (@ApiProperty). Validation is with whitelist and
 * forbidNonWhitelisted, so every object is closed. A rule the converter does not know fails here,
 * rather than be left out of the document.
 */
export function dtoSchema(dto: Type<object> | Function, named: Named): { required: string[]; properties: Record<string, JsonSchema>; rules: JsonSchema } {
  const storage = getMetadataStorage();
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const m of storage.getTargetValidationMetadatas(dto, '', true, false)) byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
  const required: string[] = [];
  const properties: Record<string, JsonSchema> = {};
  let rules: JsonSchema = {};
  for (const [name, propertyRules] of byProperty) {
    // @Validate(Class) on a property that is not a field: a cross-field rule (no constraint name of its own).
    if (propertyRules.every((r) => r.type === 'customValidation' && r.name === undefined)) {
      for (const rule of propertyRules) {
        const constraint = storage.getTargetValidatorConstraints(rule.constraintCls)[0]?.name;
        const keywords = constraint !== undefined ? named.objectRules[constraint] : undefined;
        if (!keywords) throw new Error(`${dto.name}.${name}: no JSON schema for the cross-field rule ${constraint ?? rule.constraintCls.name}`);
        rules = { ...rules, ...keywords };
      }
      continue;
    }
    if (!propertyRules.some((r) => r.type === 'conditionalValidation')) required.push(name);
    properties[name] = propertySchema(dto, name, propertyRules, named);
  }
  return { required, properties, rules };
}

function objectSchema(dto: Function, named: Named): JsonSchema {
  const className = named.classes.get(dto);
  if (className) return ref(className);
  const { required, properties, rules } = dtoSchema(dto, named);
  return { type: 'object', additionalProperties: false, ...rules, ...(required.length ? { required } : {}), properties };
}

function propertySchema(dto: Function, name: string, rules: ValidationMetadata[], named: Named): JsonSchema {
  const api = (Reflect.getMetadata(API_PROPERTY, dto.prototype, name) ?? {}) as { type?: unknown; description?: string };
  const isArray = rules.some((r) => r.name === 'isArray');
  const own: Record<string, unknown> = {};
  const item: Record<string, unknown> = {};
  let itemSchema: JsonSchema | undefined;
  for (const rule of rules) {
    const into = rule.each ? item : own;
    const [a, b] = rule.constraints ?? [];
    switch (rule.type === 'customValidation' ? rule.name : rule.type) {
      case 'conditionalValidation': case 'isDefined': case 'isArray': break;
      case 'isString': into.type = 'string'; break;
      case 'isBoolean': into.type = 'boolean'; break;
      case 'isUuid': Object.assign(into, ref('Uuid')); break;
      case 'isLength': Object.assign(into, { minLength: a, ...(b !== undefined ? { maxLength: b } : {}) }); break;
      case 'matches': Object.assign(into, stringRule(dto, name, a as RegExp | string, b as string | undefined, named)); break;
      case 'isIn': Object.assign(into, enumRule(a as readonly string[], named)); break;
      case 'arrayMinSize': own.minItems = a; break;
      case 'arrayMaxSize': own.maxItems = a; break;
      case 'nestedValidation': {
        const target = nestedClass(dto, name, api.type);
        if (rule.each) itemSchema = objectSchema(target, named);
        else Object.assign(own, objectSchema(target, named));
        break;
      }
      default: {
        const shared = rule.name !== undefined ? named.validators[rule.name] : undefined;
        if (!shared) throw new Error(`${dto.name}.${name}: no JSON schema for the rule ${rule.name ?? rule.type}`);
        Object.assign(into, ref(shared));
      }
    }
  }
  const description = api.description ? { description: api.description } : {};
  if (!isArray) return ordered({ ...own, ...description });
  return ordered({ type: 'array', ...own, ...description, items: itemSchema ?? ordered(item) });
}

/** Keywords in the order a reader expects (decorators run bottom-up, so the rules arrive reversed). */
const KEYWORDS = ['$ref', 'type', 'format', 'enum', 'const', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'description', 'allOf', 'oneOf', 'additionalProperties', 'required', 'properties', 'items'];
const ordered = (schema: Record<string, unknown>): JsonSchema =>
  Object.fromEntries(Object.entries(schema).sort(([a], [b]) => KEYWORDS.indexOf(a) - KEYWORDS.indexOf(b)));

/** The class of a nested object: @ApiProperty's type (`X` or `[X]`), else the property's declared type. */
function nestedClass(dto: Function, name: string, apiType: unknown): Function {
  const declared = Array.isArray(apiType) ? apiType[0] : apiType;
  const target = typeof declared === 'function' ? declared : Reflect.getMetadata('design:type', dto.prototype, name);
  if (typeof target !== 'function' || target === Array || target === Object) throw new Error(`${dto.name}.${name}: nested, but of no known class`);
  return target as Function;
}

/** A pattern a shared schema has (a date, a municipality number, an agency id) is that schema. */
function stringRule(dto: Function, name: string, pattern: RegExp | string, modifiers: string | undefined, named: Named): JsonSchema {
  // JSON Schema patterns have no flags: /…/i and the like would be documented wrongly.
  if ((typeof pattern === 'string' ? modifiers : pattern.flags)) throw new Error(`${dto.name}.${name}: a pattern with flags has no JSON schema`);
  const source = typeof pattern === 'string' ? pattern : pattern.source;
  const shared = Object.entries(named.schemas).find(([, s]) => s.type === 'string' && s.pattern === source);
  return shared ? ref(shared[0]) : { type: 'string', pattern: source };
}

/** A vocabulary of the domain is its shared schema; a part of one (and of no other) is that schema without the rest. */
function enumRule(values: readonly string[], named: Named): JsonSchema {
  const vocabularies = Object.entries(named.schemas).filter(([, s]) => Array.isArray(s.enum)) as [string, { enum: string[] }][];
  const same = vocabularies.find(([, s]) => sameValues(s.enum, values));
  if (same) return ref(same[0]);
  const containing = vocabularies.filter(([, s]) => values.length > 0 && values.every((v) => s.enum.includes(v)));
  const within = containing.length === 1 ? containing[0] : undefined;
  if (within) {
    const others = within[1].enum.filter((v) => !values.includes(v));
    return { allOf: [ref(within[0]), { not: others.length === 1 ? { const: others[0] } : { enum: others } }] };
  }
  return { type: 'string', enum: [...values] };
}
