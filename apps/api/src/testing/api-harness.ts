import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { EventStore, RecordedEvent } from '@samhandling/event-store';
import { createApp } from '../bootstrap';
import { loadConfig, type AppConfig } from '../platform/config/app-config';
import { ensureLocalKeyPair, mintToken, type LocalKeyPair } from '../platform/auth/local-keys';
import type { PersonalDataCodec } from '@samhandling/privacy';
import { EVENT_STORE, PERSONAL_DATA } from '../platform/store/store.module';

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

export interface PostOptions {
  /** Calling agency (a token is minted for it); `null` sends no Authorization header. */
  as?: string | null;
  actor?: string;
  headers?: Record<string, string>;
}

/**
 * One real Nest application over an embedded PGlite store in a fresh temporary directory,
 * driven over HTTP with supertest. One harness per test file.
 */
export class ApiHarness {
  private readonly tokens = new Map<string, string>();

  private constructor(
    readonly app: NestExpressApplication,
    readonly config: AppConfig,
    readonly keys: LocalKeyPair,
    readonly store: EventStore,
    private readonly dataDir: string,
    private readonly ownsDataDir = true,
  ) {}

  /**
   * The in-process relay is off unless asked for, so tests that count disclosure records see only
   * their own. `env` is read as the API's environment would be, e.g. { RATE_LIMIT_PER_MINUTE: '5' }.
   * Reads wait up to 30 s for their projections (READ_WAIT_MS), so a test that writes and then
   * reads sees its write on a busy machine too; the stale-read test sets its own.
   */
  static async start(options: {
    relayInProcess?: boolean;
    env?: NodeJS.ProcessEnv;
    /** An existing data directory (e.g. a restored backup): kept on close. Default a fresh temporary one, removed on close. */
    dataDir?: string;
    /** PostgreSQL instead of the embedded store, in `schema`. */
    databaseUrl?: string;
    schema?: string;
    /** Log lines (JSON, at LOG_LEVEL) go here; without it the app logs nothing. */
    logDestination?: { write(line: string): void };
  } = {}): Promise<ApiHarness> {
    const ownsDataDir = options.dataDir === undefined;
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'samhandling-api-'));
    const defaults = loadConfig({ READ_WAIT_MS: '30000', ...options.env });
    const config: AppConfig = {
      ...defaults,
      dataDir,
      databaseUrl: options.databaseUrl,
      schema: options.schema ?? defaults.schema,
      agencyDirectoryFile: join(REPO_ROOT, 'config', 'agencies.json'),
      relayInProcess: options.relayInProcess ?? false,
    };
    try {
      // API_TEST_LOG=1 keeps Nest's logger on, e.g. to see the stack behind an unexpected 500.
      const app = await createApp(config, options.logDestination ? { logDestination: options.logDestination } : process.env.API_TEST_LOG ? {} : { logger: false });
      await app.init();
      const keys = await ensureLocalKeyPair(dataDir);
      return new ApiHarness(app, config, keys, app.get<EventStore>(EVENT_STORE), dataDir, ownsDataDir);
    } catch (error) {
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** `value` with its sealed personal fields opened, as a response would carry it (what a test reading the store directly compares). */
  reveal<T>(value: T): Promise<T> {
    return this.app.get<PersonalDataCodec>(PERSONAL_DATA).reveal(value);
  }

  async close(): Promise<void> {
    try {
      await this.app.close();
    } finally {
      if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  get http() {
    return request(this.app.getHttpServer());
  }

  async token(agency: string, actor = `caseworker@${agency}`): Promise<string> {
    const key = `${agency}\u0000${actor}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = await mintToken(this.keys.privateJwk, { agency, actor }, { issuer: this.config.jwtIssuer, audience: this.config.jwtAudience });
      this.tokens.set(key, token);
    }
    return token;
  }

  /** POST a JSON body (or a raw string, sent as application/json) as the given agency. */
  async post(path: string, body: object | string | undefined, options: PostOptions = {}): Promise<request.Response> {
    const as = options.as === undefined ? 'oslo-refugee' : options.as;
    let req = this.http.post(path).set('Content-Type', 'application/json');
    if (as !== null) req = req.set('Authorization', `Bearer ${await this.token(as, options.actor)}`);
    for (const [name, value] of Object.entries(options.headers ?? {})) req = req.set(name, value);
    return body === undefined ? req : req.send(typeof body === 'string' ? body : JSON.stringify(body));
  }

  async allEvents(): Promise<RecordedEvent[]> {
    return this.store.readAll({ after: 0, limit: 100_000 });
  }

  async eventCount(): Promise<number> {
    return (await this.allEvents()).length;
  }

  /** Runs `action` and asserts the log gained no event; returns what the action returned. */
  async appendsNothing<T>(action: () => Promise<T>): Promise<T> {
    const before = await this.eventCount();
    const result = await action();
    expect(await this.eventCount()).toBe(before);
    return result;
  }

  async registerSubject(overrides: Record<string, unknown> = {}, as = 'oslo-refugee'): Promise<string> {
    const body = subjectBody(overrides);
    const res = await this.post('/subjects', body, { as });
    if (res.status !== 201) throw new Error(`registering a subject failed: ${res.status} ${JSON.stringify(res.body)}`);
    return body.subjectId as string;
  }
}

// ---- request bodies a caller would send; overrides replace fields ----

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

export const subjectBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  subjectId: randomUUID(),
  givenName: 'Amina',
  familyName: 'Haile',
  birthDate: '1990-04-30',
  ...overrides,
});

export const contactBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  contactId: randomUUID(),
  occurredAt: hourAgo(),
  channel: 'in_person',
  categories: ['contact_log', 'health'],
  summary: 'Introduction programme meeting; mentions headaches and poor sleep',
  concerns: ['possible untreated trauma'],
  interpreterUsed: true,
  interpreterLanguage: 'ti',
  ...overrides,
});

export const consentBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  consentId: randomUUID(),
  decision: 'permit',
  grantor: { kind: 'self' },
  recipients: [{ agency: 'oslo-health' }, { agencyKind: 'adult_learning' }],
  categories: ['health', 'education'],
  purposes: ['coordination', 'care'],
  validFrom: hourAgo(),
  validUntil: inDays(365),
  evidence: { kind: 'written', reference: 'archive 2026/1234' },
  interpreterUsed: true,
  interpreterLanguage: 'ti',
  ...overrides,
});

export const referralBody = (subjectId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  referralId: randomUUID(),
  subjectId,
  to: 'oslo-health',
  reason: 'Concentration problems in class; may need a health assessment',
  categories: ['education', 'health'],
  basis: { kind: 'legal', entryId: 'pa-13b-5' },
  acknowledgeBy: inDays(3),
  answerBy: inDays(14),
  ...overrides,
});
