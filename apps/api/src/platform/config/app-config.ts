import { resolve } from 'node:path';
import { envFlag, envInteger, kafkaSettings, platformConfig, type KafkaSettings, type PlatformConfig } from '@samhandling/config';
import { schedulerSettings, type SchedulerConfig } from './scheduler-config';
import { httpSettings, type HttpSettings } from './http-settings';
import { tokenSettings, type TokenSettings } from './token-settings';

/** Everything the API reads from its environment, read once at start-up: the platform's settings and its own. */
export interface AppConfig extends PlatformConfig {
  port: number;
  host: string;
  /** JWK file of the public key callers' tokens are verified with; default: the local dev key. */
  jwtPublicKeyFile?: string;
  jwtIssuer: string;
  jwtAudience: string;
  /** How tokens are verified: JWKS URL, algorithm allow-list, key-set caching (JWT_*; docs/identity-provider.md). */
  token: TokenSettings;
  bodyLimit: string;
  /** KAFKA_BROKERS and SASL settings; unset means no Kafka (the embedded default). */
  kafka?: KafkaSettings;
  /** The Kafka inbox consumer, run inside the API when Kafka is configured (INBOX_ENABLED=false turns it off). */
  inbox: InboxConfig;
  /** The referral deadline scheduler (SCHEDULER_ENABLED, SCHEDULER_INTERVAL_MS, ESCALATE_TO_COORDINATOR). */
  scheduler: SchedulerConfig;
  /**
   * Whether the API hosts the relay (feed only, no Kafka): RELAY_IN_PROCESS=true|false, by default
   * on with the embedded store (its PGlite belongs to this one process) and off with PostgreSQL,
   * where the relay runs as its own process (apps/relay).
   */
  relayInProcess: boolean;
  /** Security headers, rate limit, long-poll cap (TRUST_PROXY, RATE_LIMIT_PER_MINUTE, FEED_MAX_WAITING_PER_AGENCY). */
  http: HttpSettings;
  /** LOG_LEVEL (info): trace, debug, info, warn, error, fatal or silent. */
  logLevel: string;
  /** METRICS_TOKEN: when set, GET /metrics needs it as a bearer token. */
  metricsToken?: string;
  /** Readiness: the relay may be at most READY_MAX_RELAY_LAG_EVENTS (10000) behind the log. */
  readyMaxRelayLagEvents: number;
  /**
   * CUSTOM_PROJECTIONS: integrators' projection modules, comma-separated paths (relative ones from
   * the working directory), folded and read under the policy like the built-ins (reads/custom).
   */
  customProjections: string[];
  /** API_WORKERS (1): API processes sharing the port, on PostgreSQL only (workers.ts). */
  workers: number;
  /** How long a read waits for its projections and for the policy's own state (READ_WAIT_MS, POLICY_WAIT_MS). */
  reads: ReadWaits;
}

export interface ReadWaits {
  /** A read waits this long (1000 ms) for lagging projections, then answers with what is there, marked stale with its lag. */
  waitMs: number;
  /** The policy's state is never stale: a read waits this long (10000 ms) for it, then answers 503 READ.POLICY_CATCHING_UP. */
  policyWaitMs: number;
}

export interface InboxConfig {
  enabled: boolean;
  /** One consumer group per deployment (INBOX_GROUP_ID; default from the schema): instances share the partitions. */
  groupId: string;
  /** Partitions and replication of inbox and dead-letter topics created at start. */
  partitions: number;
  replicationFactor: number;
  /** Tries at a message that fails for a reason other than an outage before it is dead-lettered (INBOX_MAX_ATTEMPTS). */
  maxAttempts: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const platform = platformConfig(env);
  const schema = platform.schema;
  return {
    ...platform,
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    jwtPublicKeyFile: env.JWT_PUBLIC_KEY_FILE || undefined,
    jwtIssuer: env.JWT_ISSUER ?? 'samhandling-local',
    jwtAudience: env.JWT_AUDIENCE ?? 'samhandling-api',
    token: tokenSettings(env, (name, fallback, min) => envInteger(env, name, fallback, { min })),
    bodyLimit: env.BODY_LIMIT ?? '64kb',
    kafka: kafkaSettings('samhandling-api', env),
    inbox: {
      enabled: env.INBOX_ENABLED !== 'false',
      groupId: env.INBOX_GROUP_ID || `samhandling-inbox-${schema}`,
      partitions: envInteger(env, 'INBOX_TOPIC_PARTITIONS', 3),
      replicationFactor: envInteger(env, 'KAFKA_REPLICATION_FACTOR', 1),
      maxAttempts: envInteger(env, 'INBOX_MAX_ATTEMPTS', 5),
    },
    scheduler: schedulerSettings(env),
    relayInProcess: envFlag(env, 'RELAY_IN_PROCESS', !env.DATABASE_URL),
    http: httpSettings(env),
    logLevel: logLevel(env.LOG_LEVEL),
    metricsToken: env.METRICS_TOKEN || undefined,
    readyMaxRelayLagEvents: envInteger(env, 'READY_MAX_RELAY_LAG_EVENTS', 10_000, { min: 0 }),
    customProjections: customProjectionFiles(env.CUSTOM_PROJECTIONS),
    workers: envInteger(env, 'API_WORKERS', 1, { min: 1 }),
    reads: { waitMs: envInteger(env, 'READ_WAIT_MS', 1_000, { min: 0 }), policyWaitMs: envInteger(env, 'POLICY_WAIT_MS', 10_000, { min: 0 }) },
  };
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function logLevel(value: string | undefined): string {
  if (!value) return 'info';
  if (!LOG_LEVELS.includes(value)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}

/** Absolute paths, each once: the same module named twice would clash with itself by name. */
function customProjectionFiles(value: string | undefined): string[] {
  return [...new Set((value ?? '').split(',').map((p) => p.trim()).filter(Boolean).map((p) => resolve(p)))];
}
