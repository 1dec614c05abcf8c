import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { COMMAND_ROUTES } from '@samhandling/agency-kit';
import { asyncApiDocument } from './contract/asyncapi';
import { INBOX_COMMANDS } from './inbox/inbox-commands';
import { ApiHarness } from './testing/api-harness';

/**
 * The HTTP and inbox surfaces as agency systems see them, compared with the copy recorded before
 * commands were declared once (test/fixtures/api-surface). A difference is either a mistake or an
 * intended addition, which is listed in ADDITIONS below with the reason.
 * `UPDATE_API_SURFACE=1` rewrites the copy (only when a change is meant).
 */
const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'api-surface');

/** Operations added on purpose since the copy was taken: `${method} ${path}`, and their DTO schemas. */
const ADDITIONS: readonly string[] = [
  'POST /subjects/{subjectId}/objections', // RecordObjection (issue 13's example of a command added in its declaration)
];
const ADDED_SCHEMAS: readonly string[] = ['RecordObjectionDto'];
/** Inbox message types added on purpose since the copy was taken. */
const INBOX_ADDITIONS: readonly string[] = ['RecordObjection'];

type Json = Record<string, any>;

function compare(name: string, current: unknown): void {
  const file = join(FIXTURES, name);
  if (process.env.UPDATE_API_SURFACE) {
    mkdirSync(FIXTURES, { recursive: true });
    writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`);
  }
  if (!existsSync(file)) throw new Error(`${file} is missing: it is the recorded surface this test compares with`);
  expect(current).toEqual(JSON.parse(readFileSync(file, 'utf8')));
}

/** Each inbox type as the inbox accepts it: URL ids, body fields with their rules, and the HTTP twin's path. */
function inboxSurface(): Json {
  const storage = getMetadataStorage();
  return Object.fromEntries(Object.entries(INBOX_COMMANDS).sort(([a], [b]) => a.localeCompare(b)).map(([type, c]) => {
    const rules = c.dto ? storage.getTargetValidationMetadatas(c.dto, '', true, false).map((m) => `${m.propertyName}:${m.name ?? m.type}`).sort() : [];
    const params = Object.fromEntries(c.params.map((p) => [p, `:${p}`]));
    return [type, { params: [...c.params], dto: c.dto?.name ?? null, rules, path: c.path(params) }];
  }));
}

describe('the API surface (OpenAPI, inbox, AsyncAPI) stays as agency systems know it', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start();
  }, 60_000);
  afterAll(() => api?.close());

  it('OpenAPI: the same operations, parameters, bodies and responses', async () => {
    const doc = (await api.http.get('/docs/openapi.json')).body as Json;
    const operations = Object.entries(doc.paths as Json).flatMap(([path, ops]) => Object.keys(ops as Json).map((m) => `${m.toUpperCase()} ${path}`));
    const added = operations.filter((o) => ADDITIONS.includes(o));
    for (const op of added) {
      const [method, path] = op.split(' ');
      delete doc.paths[path][method.toLowerCase()];
      if (Object.keys(doc.paths[path]).length === 0) delete doc.paths[path];
    }
    expect(added.sort()).toEqual([...ADDITIONS].sort());
    for (const name of ADDED_SCHEMAS) {
      expect(doc.components.schemas[name]).toBeDefined();
      delete doc.components.schemas[name];
    }
    compare('openapi.json', doc);
  });

  it('the agency kit routes every command to its POST operation, with the same path parameters', async () => {
    const doc = (await api.http.get('/docs/openapi.json')).body as Json;
    const shape = (path: string) => path.replace(/\{[A-Za-z]+\}/g, '{}');
    expect(Object.keys(COMMAND_ROUTES).sort()).toEqual(Object.keys(INBOX_COMMANDS).sort());
    for (const [name, route] of Object.entries(COMMAND_ROUTES)) {
      const path = Object.keys(doc.paths).find((p) => doc.paths[p].post && shape(p) === shape(route.path));
      expect([name, path]).toEqual([name, expect.any(String)]);
      const inPath = (doc.paths[path!].post.parameters ?? []).filter((p: Json) => p.in === 'path').length;
      expect([name, route.params.length]).toEqual([name, inPath]);
    }
  });

  it('inbox: the same message types, ids, body rules and HTTP twins', () => {
    const surface = inboxSurface();
    expect(INBOX_ADDITIONS.filter((type) => surface[type] !== undefined)).toEqual([...INBOX_ADDITIONS]);
    for (const type of INBOX_ADDITIONS) delete surface[type];
    compare('inbox.json', surface);
  });

  // The generated document; contract/asyncapi.spec.ts checks that docs/asyncapi.yaml is the same.
  it('AsyncAPI: the same document', () => {
    const doc = JSON.parse(JSON.stringify(asyncApiDocument())) as Json;
    for (const type of INBOX_ADDITIONS) {
      expect({ type, channel: doc.channels.inbox.messages[type], message: doc.components.messages[type]?.name })
        .toEqual({ type, channel: { $ref: `#/components/messages/${type}` }, message: type });
      delete doc.channels.inbox.messages[type];
      delete doc.components.messages[type];
    }
    compare('asyncapi.json', doc);
  });
});
