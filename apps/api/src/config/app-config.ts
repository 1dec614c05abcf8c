import { join } from 'node:path';
import { kafkaSettings, type KafkaSettings } from '@samhandling/messaging';
import { schedulerSettings, type SchedulerConfig } from '../follow-up/scheduler-config';

/** Everything the API reads from its environment, read once at start-up. */
export interface AppConfig {
  port: number;
  host: string;
  /** postgres://… selects PostgreSQL; unset means the embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  schema: string;
  agencyDirectoryFile: string;
  /** JWK file of the public key callers' tokens are verified with; default: the local dev key. */
  jwtPublicKeyFile?: string;
  jwtIssuer: string;
  jwtAudience: string;
  bodyLimit: string;
  /** Directory of legal-basis catalog versions (JSON), and entries switched on by configuration. */
  catalogDir: string;
  enabledBases: string[];
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
}

export interface InboxConfig {
  enabled: boolean;
  /** One consumer group per deployment (INBOX_GROUP_ID; default from the schema): instances share the partitions. */
  groupId: string;
  /** Partitions and replication of inbox and dead-letter topics created at start. */
  partitions: number;
  replicationFactor: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = env.DATA_DIR ?? join(process.cwd(), 'data');
  const schema = env.DATABASE_SCHEMA ?? 'samhandling';
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    schema,
    agencyDirectoryFile: env.AGENCY_DIRECTORY ?? join(process.cwd(), 'config', 'agencies.json'),
    jwtPublicKeyFile: env.JWT_PUBLIC_KEY_FILE || undefined,
    jwtIssuer: env.JWT_ISSUER ?? 'samhandling-local',
    jwtAudience: env.JWT_AUDIENCE ?? 'samhandling-api',
    bodyLimit: env.BODY_LIMIT ?? '64kb',
    catalogDir: env.LEGAL_BASIS_CATALOG_DIR ?? join(process.cwd(), 'libs', 'policy', 'catalog'),
    enabledBases: (env.LEGAL_BASES_ENABLED ?? '').split(',').map((x) => x.trim()).filter(Boolean),
    kafka: kafkaSettings('samhandling-api', env),
    inbox: {
      enabled: env.INBOX_ENABLED !== 'false',
      groupId: env.INBOX_GROUP_ID || `samhandling-inbox-${schema}`,
      partitions: positive(env, 'INBOX_TOPIC_PARTITIONS', 3),
      replicationFactor: positive(env, 'KAFKA_REPLICATION_FACTOR', 1),
    },
    scheduler: schedulerSettings(env),
    relayInProcess: flag(env, 'RELAY_IN_PROCESS', !env.DATABASE_URL),
  };
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new Error(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}
