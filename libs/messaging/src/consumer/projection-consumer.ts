import { isConsumerSql, poolSql } from './consumer-sql';
import { ConsumerTables } from './consumer-tables';
import { Runner } from './consumer-runner';
import type { ProjectionConsumer, ProjectionConsumerOptions } from './projection-consumer.types';

export type { ProjectionConsumerOptions, ConsumerStats, ProjectionConsumer } from './projection-consumer.types';

/**
 * Keeps a projection in the integrator's database from an agency topic, each event applied exactly
 * once although Kafka delivers at least once. Per batch of a partition, one transaction skips what
 * the stored offset covers and event ids already processed, applies the rest and stores the next
 * offset. The database is the truth: on (re)assignment each partition seeks to the stored offset,
 * and Kafka's committed offset, written after the transaction, only saves a seek.
 *
 * A malformed message is recorded in `samhandling_rejected_messages`, logged without its content
 * and passed over, so one bad message neither blocks the topic nor vanishes unseen. A batch that
 * keeps failing (the projection throws, the database is gone) stops the consumer: `done` rejects.
 */
export async function runProjectionConsumer(options: ProjectionConsumerOptions): Promise<ProjectionConsumer> {
  const { projection } = options;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(projection.name ?? '')) throw new Error('A projection name is 1-100 of [A-Za-z0-9._-]');
  const sql = isConsumerSql(options.sql) ? options.sql : poolSql(options.sql);
  const tables = new ConsumerTables(options.schema ?? 'public');
  // CREATE … IF NOT EXISTS races itself: consumers starting together take turns.
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('samhandling-consumer-setup'))`);
    await tables.ensure(tx);
    await projection.setup?.(tx);
  });
  const runner = new Runner(options, sql, tables);
  await runner.start();
  return runner;
}
