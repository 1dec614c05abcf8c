import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { referralStream, subjectStream } from '@samhandling/domain';
import { newEventId, type EventStore, type RecordedEvent } from '@samhandling/event-store';
import { createApp } from '../../bootstrap';
import { loadConfig, type AppConfig } from '../../platform/config/app-config';
import { ensureLocalKeyPair, mintToken } from '../../platform/auth/local-keys';
import { EVENT_STORE } from '../../platform/store/store.module';
import { subjectBody } from '../../testing/api-harness';
import { DeadlineSchedulerHost } from '../follow-up.module';
import type { SchedulerConfig } from '../../platform/config/scheduler-config';

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..', '..');

/** One running API process over the shared data, driven over HTTP. */
export class ApiInstance {
  constructor(readonly app: NestExpressApplication, private readonly token: (agency: string) => Promise<string>) {}

  get store(): EventStore {
    return this.app.get<EventStore>(EVENT_STORE);
  }

  /** Ticks its scheduler has completed (0 when it runs none). */
  get ticks(): number {
    return this.app.get(DeadlineSchedulerHost).scheduler?.ticks ?? 0;
  }

  async post(path: string, body: object, as: string): Promise<request.Response> {
    return request(this.app.getHttpServer()).post(path).set('Authorization', `Bearer ${await this.token(as)}`).send(body);
  }

  async get(path: string, as: string): Promise<request.Response> {
    return request(this.app.getHttpServer()).get(path).set('Authorization', `Bearer ${await this.token(as)}`);
  }

  async registerSubject(as = 'oslo-refugee'): Promise<string> {
    const body = subjectBody();
    const res = await this.post('/subjects', body, as);
    if (res.status !== 201) throw new Error(`registering a subject failed: ${res.status} ${JSON.stringify(res.body)}`);
    return body.subjectId as string;
  }

  /** The designation as the domain writes it; appended directly, not through an endpoint. */
  async designateCoordinator(subjectId: string, agency: string): Promise<void> {
    await this.store.append(subjectStream(subjectId), [{
      id: newEventId(), type: 'CoordinatorDesignated',
      data: { subjectId, agency, basis: { kind: 'consent', consentId: 'k-1' }, designatedBy: agency, designatedAt: new Date().toISOString() },
    }]);
  }

  async escalations(referralId: string): Promise<RecordedEvent[]> {
    return (await this.store.readStream(referralStream(referralId))).filter((e) => e.type === 'ReferralEscalated');
  }

  /** Waits until this instance's scheduler has completed `n` more ticks: it has looked at least that often. */
  async ticked(n: number, timeoutMs = 15_000): Promise<void> {
    const target = this.ticks + n;
    await until(() => this.ticks >= target, `${n} scheduler ticks`, timeoutMs);
  }
}

/**
 * API processes started and stopped over the same data, one after the other or side by side: the
 * embedded store in one data directory (one process at a time), or a PostgreSQL schema.
 */
export class RestartableApi {
  private readonly running = new Set<ApiInstance>();

  private constructor(private readonly config: AppConfig, private readonly dataDir: string) {}

  static create(overrides: Partial<AppConfig> = {}): RestartableApi {
    const dataDir = mkdtempSync(join(tmpdir(), 'samhandling-follow-up-'));
    const config: AppConfig = {
      ...loadConfig({}),
      dataDir,
      databaseUrl: undefined,
      agencyDirectoryFile: join(REPO_ROOT, 'config', 'agencies.json'),
      relayInProcess: false,
      ...overrides,
    };
    return new RestartableApi(config, dataDir);
  }

  async start(scheduler: Partial<SchedulerConfig> = {}): Promise<ApiInstance> {
    const config = { ...this.config, scheduler: { ...this.config.scheduler, ...scheduler } };
    const app = await createApp(config, process.env.API_TEST_LOG ? {} : { logger: false });
    await app.init();
    const keys = await ensureLocalKeyPair(this.dataDir);
    const tokens = new Map<string, Promise<string>>();
    const token = (agency: string) => {
      if (!tokens.has(agency)) tokens.set(agency, mintToken(keys.privateJwk, { agency, actor: `caseworker@${agency}` }, { issuer: config.jwtIssuer, audience: config.jwtAudience }));
      return tokens.get(agency)!;
    };
    const instance = new ApiInstance(app, token);
    this.running.add(instance);
    return instance;
  }

  async stop(instance: ApiInstance): Promise<void> {
    this.running.delete(instance);
    await instance.app.close();
  }

  async dispose(): Promise<void> {
    for (const instance of [...this.running]) await this.stop(instance);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !(await condition()); await sleep(25)) {
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
