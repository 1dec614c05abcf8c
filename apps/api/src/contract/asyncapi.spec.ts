import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { IsUUID, Validate, ValidateBy, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { parse } from 'yaml';
import { validationPipe } from '../app.module';
import { parseInboxMessage } from '../inbox/inbox-message';
import { asyncApiDocument } from './asyncapi';
import { asyncApiYaml } from './asyncapi-yaml';
import { dtoSchema, type Named } from './dto-schema';

const COMMITTED = join(__dirname, '..', '..', '..', '..', 'docs', 'asyncapi.yaml');
type Node = Record<string, any>;

/** The first place two JSON values differ, as a path. */
function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference((a as Node)[key], (b as Node)[key], `${path}/${key}`);
      if (found) return found;
    }
  }
  return path || '/';
}

describe('docs/asyncapi.yaml is made from code', () => {
  const generated = JSON.parse(JSON.stringify(asyncApiDocument())) as Node;

  it('and the committed copy is the generator\'s output (else: run npm run asyncapi, and commit docs/asyncapi.yaml)', () => {
    const committed = parse(readFileSync(COMMITTED, 'utf8')) as unknown;
    const difference = firstDifference(committed, generated);
    if (difference) throw new Error(`docs/asyncapi.yaml differs from the code at ${difference}: run npm run asyncapi, and commit docs/asyncapi.yaml`);
  });

  it('writes YAML that reads back as the document', () => {
    expect(parse(asyncApiYaml())).toEqual(generated);
  });

  it('gives examples of inbox commands that the inbox accepts', async () => {
    const messages = generated.components.messages as Record<string, Node>;
    const examples = Object.values(messages).filter((m) => m.traits?.[0]?.$ref === '#/components/messageTraits/inboxCommand').flatMap((m) => m.examples ?? []);
    expect(examples.length).toBeGreaterThan(0);
    for (const { payload } of examples as Node[]) {
      const parsed = await parseInboxMessage(Buffer.from(JSON.stringify(payload)), validationPipe);
      expect(parsed.type).toBe(payload.type);
    }
  });
});

describe('the DTO schema converter', () => {
  const named: Named = { schemas: {}, classes: new Map(), validators: {}, objectRules: {} };

  it('refuses a validation rule it cannot describe, rather than leave it out', () => {
    class Unknown {
      @ValidateBy({ name: 'isPrime', validator: { validate: () => true } }) n: number;
    }
    expect(() => dtoSchema(Unknown, named)).toThrow('Unknown.n: no JSON schema for the rule isPrime');
  });

  it('refuses a cross-field rule it has no keywords for', () => {
    @ValidatorConstraint({ name: 'oneOrOther' })
    class OneOrOther implements ValidatorConstraintInterface {
      validate = () => true;
    }
    class Either {
      @IsUUID() id: string;
      @Validate(OneOrOther) private readonly rule?: never;
    }
    expect(() => dtoSchema(Either, named)).toThrow('Either.rule: no JSON schema for the cross-field rule oneOrOther');
    expect(dtoSchema(Either, { ...named, objectRules: { oneOrOther: { minProperties: 1 } } })).toEqual({
      required: ['id'], properties: { id: { $ref: '#/components/schemas/Uuid' } }, rules: { minProperties: 1 },
    });
  });
});
