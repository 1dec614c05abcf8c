import { asConsumerSql, inSchema } from '../sql';
import { ConsumerTables } from './consumer-tables';
import { FeedRunner } from './feed-runner';
import { KafkaRunner } from './kafka-runner';
import type { ProjectionConsumer, ProjectionConsumerOptions } from './projection-consumer.types';

export type { ProjectionConsumerOptions, ConsumerStats, ProjectionConsumer, ConsumerSource, KafkaSource, FeedSource } from './projection-consumer.types';

export const PROJECTION_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Keeps a projection in the integrator's database from the agency's events, each applied exactly
 * once although Kafka and the feed deliver at least once. Per batch (a partition's, or a feed
 * page), one transaction skips what the stored position covers and event ids already processed,
 * applies the rest and stores the next position. The database is the truth: on (re)assignment a
 * partition seeks to the stored offset, and the feed reads after the stored cursor.
 *
 * `source` picks the agency topic or the HTTP feed; the dedupe records are shared, so a projection
 * may move from one to the other (or be rebuilt from the feed) without applying anything twice.
 *
 * A malformed message is recorded in `samhandling_rejected_messages`, logged without its content
 * and passed over, so one bad message neither blocks the topic nor vanishes unseen. A batch that
 * keeps failing (the projection throws, the database is gone) stops the consumer: `done` rejects.
 */
export async function runProjectionConsumer(options: ProjectionConsumerOptions): Promise<ProjectionConsumer> {
  const { projection, source } = options;
  if (!PROJECTION_NAME.test(projection?.name ?? '')) throw new Error('A projection name is 1-100 of [A-Za-z0-9._-]');
  if (source?.kind !== 'kafka' && source?.kind !== 'feed') throw new Error("source must be { kind: 'kafka', kafka, agency } or { kind: 'feed', url, token }");
  const sql = asConsumerSql(options.sql);
  const tables = new ConsumerTables(options.schema ?? 'public');
  await setUp(sql, tables, options);
  const runner = source.kind === 'kafka' ? new KafkaRunner(options, source, sql, tables) : new FeedRunner(options, source, sql, tables);
  await runner.start();
  return runner;
}

/** The consumer's tables and the projection's, in `tables.schema`. CREATE … IF NOT EXISTS races itself: consumers starting together take turns. */
export async function setUp(sql: ReturnType<typeof asConsumerSql>, tables: ConsumerTables, options: Pick<ProjectionConsumerOptions, 'projection'>): Promise<void> {
  await inSchema(sql, 'public', async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('samhandling-consumer-setup'))`);
    await tables.ensure(tx);
    await tx.query(`SET LOCAL search_path TO ${tables.schema}, public`);
    await options.projection.setup?.(tx, { schema: tables.schema });
  });
}
