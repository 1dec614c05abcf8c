/*
 * JSON schema (as the AsyncAPI document uses it) to TypeScript types: a small converter rather than
 * a library, covering exactly the keywords the document uses and throwing on any other, so that a
 * new keyword is given a type here instead of silently becoming `unknown`. Validation-only keywords
 * (lengths, patterns, formats, bounds) narrow no TypeScript type and are left out; `description`
 * becomes a doc comment.
 */

export type Schema = { readonly [keyword: string]: any };

/** Keywords that constrain values without changing their TypeScript type. */
const VALIDATION_ONLY = new Set(['description', 'format', 'pattern', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minimum']);
/** Keywords the converter turns into types. */
const STRUCTURAL = new Set(['$ref', 'type', 'const', 'enum', 'properties', 'required', 'additionalProperties', 'items', 'allOf', 'anyOf', 'oneOf', 'not']);

export const COMPONENT_PREFIX = '#/components/schemas/';
export const INDENT = '  ';

/** A type expression, and whether it needs parentheses inside an array or an intersection. */
interface Type { text: string; compound: boolean }
const simple = (text: string): Type => ({ text, compound: false });
const wrapped = (t: Type) => (t.compound ? `(${t.text})` : t.text);

const literal = (value: unknown): string => {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, '\\\'')}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  throw new Error(`no TypeScript literal for ${JSON.stringify(value)}`);
};

const propertyKey = (name: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : literal(name));

export function docComment(description: unknown, indent: string): string {
  if (typeof description !== 'string' || description.trim() === '') return '';
  const text = description.trim().replace(/\*\//g, '*\\/').split('\n');
  if (text.length === 1) return `${indent}/** ${text[0]} */\n`;
  return `${indent}/**\n${text.map((line) => `${indent} *${line ? ` ${line}` : ''}`).join('\n')}\n${indent} */\n`;
}

export class Converter {
  constructor(private readonly components: Readonly<Record<string, Schema>>) {}

  /** The named type a `$ref` stands for; only component schemas are referred to. */
  refName(ref: unknown, path: string): string {
    if (typeof ref !== 'string' || !ref.startsWith(COMPONENT_PREFIX)) throw new Error(`${path}: unsupported $ref ${JSON.stringify(ref)}`);
    const name = ref.slice(COMPONENT_PREFIX.length);
    if (!this.components[name]) throw new Error(`${path}: $ref to ${name}, which components.schemas does not have`);
    return name;
  }

  component(ref: unknown, path: string): Schema {
    return this.components[this.refName(ref, path)];
  }

  private check(s: Schema, path: string): void {
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw new Error(`${path}: not a schema: ${JSON.stringify(s)}`);
    for (const keyword of Object.keys(s)) {
      if (!STRUCTURAL.has(keyword) && !VALIDATION_ONLY.has(keyword)) throw new Error(`${path}: no TypeScript type for the keyword ${keyword}`);
    }
    if ('additionalProperties' in s && s.additionalProperties !== false) throw new Error(`${path}: additionalProperties other than false`);
    if ('not' in s) throw new Error(`${path}: not, other than as a member of allOf excluding a value`);
  }

  type(s: Schema, path: string, indent: string): Type {
    this.check(s, path);
    if ('$ref' in s) {
      const others = Object.keys(s).filter((k) => k !== '$ref' && !VALIDATION_ONLY.has(k));
      if (others.length) throw new Error(`${path}: $ref beside ${others.join(', ')}`);
      return simple(this.refName(s.$ref, path));
    }
    if ('const' in s) return simple(literal(s.const));
    if (s.enum) return this.union((s.enum as unknown[]).map((v) => simple(literal(v))));
    if (s.allOf) return this.allOf(s.allOf as Schema[], `${path}/allOf`, indent);
    if (s.oneOf && s.properties) return this.exactlyOne(s, path, indent);
    const alternatives = s.oneOf ?? s.anyOf;
    if (alternatives) {
      const key = s.oneOf ? 'oneOf' : 'anyOf';
      return this.union((alternatives as Schema[]).map((alt, i) => this.type(alt, `${path}/${key}/${i}`, indent)));
    }
    switch (s.type) {
      case 'string': return simple('string');
      case 'integer':
      case 'number': return simple('number');
      case 'boolean': return simple('boolean');
      case 'array':
        if (!s.items) throw new Error(`${path}: array without items`);
        return simple(`${wrapped(this.type(s.items, `${path}/items`, indent))}[]`);
      case 'object':
        return s.properties ? simple(this.objectLiteral(s, path, indent)) : simple('object');
      default:
        throw new Error(`${path}: no TypeScript type for ${JSON.stringify(s)}`);
    }
  }

  private union(types: Type[]): Type {
    if (types.length === 1) return types[0];
    return { text: types.map((t) => t.text).join(' | '), compound: true };
  }

  /** allOf: an intersection, where a `not` member excludes what it names from the others. */
  private allOf(members: Schema[], path: string, indent: string): Type {
    const excluded = members.filter((m) => 'not' in m);
    const kept = members.filter((m) => !('not' in m));
    for (const m of excluded) {
      if (Object.keys(m).length !== 1) throw new Error(`${path}: not beside other keywords`);
    }
    const base = kept.length === 1
      ? this.type(kept[0], `${path}/0`, indent)
      : { text: kept.map((m, i) => wrapped(this.type(m, `${path}/${i}`, indent))).join(' & '), compound: true };
    return excluded.reduce<Type>((t, m, i) => simple(`Exclude<${t.text}, ${this.type(m.not, `${path}/not${i}`, indent).text}>`), base);
  }

  /**
   * An object whose oneOf members only say which of its properties are required ("exactly one of
   * agency or agencyKind"): a union with one member per alternative, the others' properties `never`.
   */
  private exactlyOne(s: Schema, path: string, indent: string): Type {
    const alternatives = (s.oneOf as Schema[]).map((alt, i) => {
      const keys = Object.keys(alt).filter((k) => !VALIDATION_ONLY.has(k));
      if (keys.length !== 1 || keys[0] !== 'required') throw new Error(`${path}/oneOf/${i}: beside properties, oneOf may only name required properties`);
      return alt.required as string[];
    });
    const members = alternatives.map((required) => {
      const forbidden = alternatives.flat().filter((name) => !required.includes(name));
      const { oneOf: _alternatives, description: _description, ...rest } = s;
      return this.objectLiteral({ ...rest, required: [...(s.required ?? []), ...required] }, path, indent, forbidden);
    });
    return { text: members.join(' | '), compound: true };
  }

  /** The properties of an object schema, one a line, for an object literal or an interface body. */
  members(s: Schema, path: string, indent: string, never: readonly string[] = [], overrides: Readonly<Record<string, string>> = {}): string {
    const required = new Set<string>(s.required ?? []);
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    for (const name of required) if (!(name in properties)) throw new Error(`${path}: required ${name} is not among the properties`);
    const inner = indent + INDENT;
    return Object.entries(properties).map(([name, p]) => {
      const optional = required.has(name) ? '' : '?';
      const type = never.includes(name) ? 'never' : (overrides[name] ?? this.type(p, `${path}/properties/${name}`, inner).text);
      return `${name in overrides ? '' : docComment(p.description, inner)}${inner}${propertyKey(name)}${optional}: ${type};\n`;
    }).join('');
  }

  private objectLiteral(s: Schema, path: string, indent: string, never: readonly string[] = []): string {
    if (s.type !== undefined && s.type !== 'object') throw new Error(`${path}: properties on type ${s.type}`);
    return `{\n${this.members(s, path, indent, never)}${indent}}`;
  }

  /** A top-level declaration: an interface for a plain object with properties, else a type alias. */
  declaration(name: string, s: Schema, path: string): string {
    const doc = docComment([s.description, s.format && `Format: ${s.format}.`, s.pattern && `Pattern: \`${s.pattern}\`.`].filter(Boolean).join(' '), '');
    const plainObject = s.type === 'object' && s.properties && !s.oneOf && !s.anyOf && !s.allOf;
    if (plainObject) {
      this.check(s, path);
      return `${doc}export interface ${name} {\n${this.members(s, path, '')}}\n`;
    }
    const type = this.type(s, path, '');
    const oneALine = type.compound && type.text.length > 100 && !type.text.includes('\n');
    return `${doc}export type ${name} =${oneALine ? `\n${INDENT}| ${type.text.split(' | ').join(`\n${INDENT}| `)}` : ` ${type.text}`};\n`;
  }
}
