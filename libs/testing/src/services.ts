import { existsSync } from 'node:fs';

/**
 * Where integration tests find their services: the environment first (DATABASE_URL,
 * KAFKA_BROKERS), then testcontainers where a Docker engine answers. Absent both, the test
 * fails with a message saying what to set — it never passes or skips silently.
 */
export function dockerAvailable(): boolean {
  if (process.env.DOCKER_HOST) return true;
  return ['/var/run/docker.sock', `${process.env.HOME}/.docker/run/docker.sock`].some((p) => existsSync(p));
}

export class MissingServiceError extends Error {
  constructor(service: string, variable: string, example: string) {
    super(
      `\n\n*** ${service} is required by this test suite but none was found. ***\n` +
        `Set ${variable} (e.g. ${variable}=${example}) or run where a Docker engine answers (testcontainers).\n`,
    );
  }
}

let postgresContainer: Promise<{ url: string; stop(): Promise<unknown> }> | undefined;

/** A PostgreSQL connection URL for this test run. */
export async function postgresUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (!dockerAvailable()) throw new MissingServiceError('PostgreSQL', 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/test');
  postgresContainer ??= (async () => {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:16-alpine').start();
    return { url: container.getConnectionUri(), stop: () => container.stop() };
  })();
  return (await postgresContainer).url;
}

/** A schema name unique to this run, so parallel runs and kept services never collide. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

let kafkaContainer: Promise<{ brokers: string[]; stop(): Promise<unknown> }> | undefined;

/** Kafka bootstrap servers for this test run: KAFKA_BROKERS, else a testcontainers broker. */
export async function kafkaBrokers(): Promise<string[]> {
  if (process.env.KAFKA_BROKERS) return process.env.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean);
  if (!dockerAvailable()) throw new MissingServiceError('Kafka', 'KAFKA_BROKERS', '127.0.0.1:9092 (start one with deploy/kafka/start-kafka.sh start)');
  kafkaContainer ??= (async () => {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const container = await new KafkaContainer('confluentinc/cp-kafka:7.7.1').withKraft().start();
    return { brokers: [`${container.getHost()}:${container.getMappedPort(9093)}`], stop: () => container.stop() };
  })();
  return (await kafkaContainer).brokers;
}
