import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import type { KafkaSettings } from '@samhandling/config';

/** Reading the Kafka settings is plain environment parsing and lives in libs/config; re-exported for messaging's users. */
export { kafkaSettings, type KafkaSasl, type KafkaSettings } from '@samhandling/config';

export function createKafka(settings: KafkaSettings): Kafka {
  return new Kafka(kafkaConfig(settings));
}

/** The client configuration, as plain data (it crosses to the relay's producer thread). */
export function kafkaConfig(settings: KafkaSettings): KafkaConfig {
  return {
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    sasl: settings.sasl,
    // kafkajs logs retriable coordinator errors at ERROR on a fresh broker; warnings are enough.
    logLevel: logLevel.WARN,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
  };
}

/**
 * Creates topics that do not exist yet. Topics are created explicitly: broker-side
 * auto-creation under KRaft races consumer subscriptions.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly string[], options: { partitions?: number; replicationFactor?: number } = {}): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: options.partitions ?? 3, replicationFactor: options.replicationFactor ?? 1 })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Whether the brokers answer a metadata request within `timeoutMs` (readiness). A client of its
 * own, no retries: a probe must answer quickly, not wait out the producer's back-off.
 */
export async function pingKafka(settings: KafkaSettings, timeoutMs = 3_000): Promise<{ ok: true; brokers: number } | { ok: false; reason: string }> {
  const kafka = new Kafka({ ...kafkaConfig(settings), clientId: `${settings.clientId}-health`, connectionTimeout: timeoutMs, requestTimeout: timeoutMs, retry: { retries: 0 }, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs); });
    const cluster = await Promise.race([admin.connect().then(() => admin.describeCluster()), timeout]);
    return { ok: true, brokers: cluster.brokers.length };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}
