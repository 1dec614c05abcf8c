import { envInteger } from '@samhandling/config';

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
    batchSize: envInteger(env, 'RELAY_BATCH_SIZE', 500),
    checkpointName: env.RELAY_CHECKPOINT ?? 'relay',
    partitions: envInteger(env, 'RELAY_TOPIC_PARTITIONS', 3),
    replicationFactor: envInteger(env, 'KAFKA_REPLICATION_FACTOR', 1),
  };
}
