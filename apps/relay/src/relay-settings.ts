/** The relay's own settings; the rest (database, directory, catalog, Kafka) is read as the API reads it. */
export interface RelaySettings {
  batchSize: number;
  checkpointName: string;
  /** Partitions and replication of the agency topics the relay creates. */
  partitions: number;
  replicationFactor: number;
}

export function relaySettings(env: NodeJS.ProcessEnv = process.env): RelaySettings {
  return {
    batchSize: positive(env, 'RELAY_BATCH_SIZE', 500),
    checkpointName: env.RELAY_CHECKPOINT ?? 'relay',
    partitions: positive(env, 'RELAY_TOPIC_PARTITIONS', 3),
    replicationFactor: positive(env, 'KAFKA_REPLICATION_FACTOR', 1),
  };
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}
