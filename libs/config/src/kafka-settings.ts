/**
 * SASL credentials from KAFKA_SASL_MECHANISM/USERNAME/PASSWORD, in the shape kafkajs takes them
 * (libs/messaging passes them on as they are). Declared here, not taken from kafkajs, so that
 * reading the environment needs no Kafka client.
 */
export type KafkaSasl =
  | { mechanism: 'plain'; username: string; password: string }
  | { mechanism: 'scram-sha-256'; username: string; password: string }
  | { mechanism: 'scram-sha-512'; username: string; password: string };

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  sasl?: KafkaSasl;
}

/** Reads KAFKA_BROKERS (comma-separated), KAFKA_SASL_MECHANISM/USERNAME/PASSWORD and KAFKA_SSL. */
export function kafkaSettings(clientId: string, env: NodeJS.ProcessEnv = process.env): KafkaSettings | undefined {
  if (!env.KAFKA_BROKERS) return undefined;
  const brokers = env.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean);
  const mechanism = env.KAFKA_SASL_MECHANISM as KafkaSasl['mechanism'] | undefined;
  return {
    brokers,
    clientId,
    ssl: env.KAFKA_SSL === 'true',
    ...(mechanism ? { sasl: { mechanism, username: env.KAFKA_SASL_USERNAME ?? '', password: env.KAFKA_SASL_PASSWORD ?? '' } } : {}),
  };
}
