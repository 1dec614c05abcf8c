import { envInteger } from '@samhandling/config';

/** The relay's own settings; the rest (database, directory, catalog, Kafka) is read as the API reads it. */
export interface RelaySettings {
  batchSize: number;
  checkpointName: string;
  /** Partitions and replication of the agency topics the relay creates. */
  partitions: number;
  replicationFactor: number;
  /** RELAY_HTTP_HOST/RELAY_HTTP_PORT (127.0.0.1:9464; port 0 = off): /metrics, /health/live, /health/ready. */
  http: { host: string; port: number };
  /** RELAY_READY_MAX_LAG_EVENTS (10000): ready only while at most this far behind the log. */
  readyMaxLagEvents: number;
  /** RELAY_CACHED_SUBJECTS (10000): people's policy states kept in memory; the rest are read from the table when a batch names them. */
  cachedSubjects: number;
}

export function relaySettings(env: NodeJS.ProcessEnv = process.env): RelaySettings {
  return {
    batchSize: envInteger(env, 'RELAY_BATCH_SIZE', 500),
    checkpointName: env.RELAY_CHECKPOINT ?? 'relay',
    partitions: envInteger(env, 'RELAY_TOPIC_PARTITIONS', 3),
    replicationFactor: envInteger(env, 'KAFKA_REPLICATION_FACTOR', 1),
    http: { host: env.RELAY_HTTP_HOST || '127.0.0.1', port: envInteger(env, 'RELAY_HTTP_PORT', 9464, { min: 0 }) },
    readyMaxLagEvents: envInteger(env, 'RELAY_READY_MAX_LAG_EVENTS', 10_000, { min: 0 }),
    cachedSubjects: envInteger(env, 'RELAY_CACHED_SUBJECTS', 10_000, { min: 1 }),
  };
}
