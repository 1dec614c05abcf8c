import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { PgliteSqlClient } from '@samhandling/event-store';
import { agencyTopic, createKafka } from '@samhandling/messaging';
import { kafkaBrokers, postgresUrl, uniqueSchema } from '../../../libs/testing/src/services';
import { deleteTopics } from '../../../libs/messaging/src/relay/testing/relay-fixture';
import {
  ApplyFailed, runProjectionConsumer, type AgencyEvent, type ConsumerSql, type KafkaSource, type ProjectionConsumer, type ProjectionConsumerOptions,
  type SqlExecutor, type TopicProjection,
} from '../src';
import { envelope, eventually, freshAgency, produce } from './support/topic-fixture';

/**
 * The consumer helper on a real broker and PostgreSQL. The test projection appends one row per
 * apply to a table without any unique key, so a double apply shows up as a second row.
 */
describe('runProjectionConsumer (real Kafka and PostgreSQL)', () => {
  const schema = uniqueSchema('consumer');
  const topics: string[] = [];
  const running: ProjectionConsumer[] = [];
  let pool: Pool;
  let kafka: Kafka;

  beforeAll(async () => {
    pool = new Pool({ connectionString: await postgresUrl(), max: 6 });
    kafka = createKafka({ brokers: await kafkaBrokers(), clientId: 'consumer-int-test' });
  });
  afterAll(async () => {
    for (const c of running) await c.stop().catch(() => undefined);
    await deleteTopics(kafka, topics).catch(() => undefined);
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await pool.end();
  });

  const contact = () => envelope('ContactRecorded', { subjectId: randomUUID(), contactId: randomUUID() });
  const agencyTopicFor = async (partitions = 2) => {
    const agency = await freshAgency(kafka, partitions);
    topics.push(agencyTopic(agency));
    return agency;
  };

  /** Appends a row per applied event; fails on the ids in `failOn`. */
  const rowsProjection = (name: string, failOn: ReadonlySet<string> = new Set()): TopicProjection => ({
    name,
    setup: async (tx) => void (await tx.query(`CREATE TABLE IF NOT EXISTS ${schema}.applied (consumer text, event_id uuid, type text)`)),
    apply: async (tx: SqlExecutor, event: AgencyEvent) => {
      if (failOn.has(event.id)) throw new Error('projection bug');
      await tx.query(`INSERT INTO ${schema}.applied VALUES ($1, $2, $3)`, [name, event.id, event.type]);
    },
  });
  const viaPool: Pick<ConsumerSql, 'query'> = { query: async <Row>(q: string, p?: unknown[]) => (await pool.query(q, p)).rows as Row[] };
  const applied = async (name: string, sql: Pick<ConsumerSql, 'query'> = viaPool) =>
    (await sql.query<{ event_id: string }>(`SELECT event_id FROM ${schema}.applied WHERE consumer = $1`, [name])).map((r) => r.event_id).sort();
  const start = async (agency: string, projection: TopicProjection, extra: Partial<ProjectionConsumerOptions> = {}, source: Partial<KafkaSource> = {}) => {
    const consumer = await runProjectionConsumer({ source: { kind: 'kafka', kafka, agency, consumer: quick, ...source }, sql: pool, schema, projection, log: () => undefined, ...extra });
    running.push(consumer);
    return consumer;
  };
  // Short fetch waits, so a stop does not sit out a 5 s long poll.
  const quick = { maxWaitTimeInMs: 200 };
  const ids = (events: Array<{ id: string }>) => events.map((e) => e.id).sort();

  it('applies each event once although the relay re-delivered some, and keeps malformed messages aside', async () => {
    const agency = await agencyTopicFor();
    const events = Array.from({ length: 6 }, contact);
    const rejected: string[] = [];
    // A relay crash after producing re-runs its batch: the same events again at new offsets.
    await produce(kafka, agency, [...events.slice(0, 4), { key: 'k', value: 'not json' }, events[1], events[2], ...events.slice(4)]);
    const consumer = await start(agency, rowsProjection('dedupe'), { onRejected: (r) => rejected.push(r.reason) });

    expect(await eventually(() => applied('dedupe'), (rows) => rows.length >= 6)).toEqual(ids(events));
    await eventually(async () => consumer.stats.duplicates + consumer.stats.rejected, (n) => n === 3);
    expect(rejected).toEqual(['value is not JSON']);
    const [kept] = (await pool.query(`SELECT reason, convert_from(message_value, 'UTF8') AS value FROM ${schema}.samhandling_rejected_messages WHERE consumer = 'dedupe'`)).rows;
    expect(kept).toEqual({ reason: 'value is not JSON', value: 'not json' });
    await consumer.stop();
    expect(await applied('dedupe')).toEqual(ids(events));
  }, 60_000);

  it('rolls back projection and checkpoint together when an apply fails, stops, and resumes once fixed', async () => {
    const agency = await agencyTopicFor(1);
    const events = Array.from({ length: 3 }, contact);
    await produce(kafka, agency, events); // one partition, one produce: one batch
    const broken = await start(agency, rowsProjection('rollback', new Set([events[2].id])), { maxAttempts: 2, retryDelayMs: 10 });

    const error = await broken.done.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyFailed);
    expect((error as ApplyFailed).eventId).toBe(events[2].id);
    // Events 1 and 2 applied fine in that batch, yet nothing of it is kept: not the rows, not the ids, not the offset.
    expect(await applied('rollback')).toEqual([]);
    const kept = await pool.query(`SELECT (SELECT count(*) FROM ${schema}.samhandling_processed_events WHERE consumer = 'rollback')::int AS processed,
      (SELECT coalesce(max(next_offset), 0) FROM ${schema}.samhandling_consumer_offsets WHERE consumer = 'rollback')::int AS next_offset`);
    expect(kept.rows[0]).toEqual({ processed: 0, next_offset: 0 });

    const fixed = await start(agency, rowsProjection('rollback'));
    expect(await eventually(() => applied('rollback'), (rows) => rows.length >= 3)).toEqual(ids(events));
    await fixed.stop();
  }, 60_000);

  it('resumes from the offsets in the database, whatever Kafka has committed', async () => {
    const agency = await agencyTopicFor();
    const first = Array.from({ length: 5 }, contact);
    const second = Array.from({ length: 5 }, contact);
    await produce(kafka, agency, first);
    let consumer = await start(agency, rowsProjection('resume'));
    await eventually(() => applied('resume'), (rows) => rows.length >= 5);
    await consumer.stop();

    // As if it crashed after its transaction, before Kafka took the offsets: Kafka is behind the database.
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: consumer.groupId, topic: consumer.topic, earliest: true });
    await admin.disconnect();
    await produce(kafka, agency, second);
    consumer = await start(agency, rowsProjection('resume'));
    expect(await eventually(() => applied('resume'), (rows) => rows.length >= 10)).toEqual(ids([...first, ...second]));
    await eventually(async () => consumer.stats.batches, (n) => n > 0);
    expect(consumer.stats).toMatchObject({ replayed: 0, duplicates: 0 }); // it sought to its own offsets
    await consumer.stop();

    // The other way round: the projection is rebuilt from zero while Kafka's offsets stay at the end.
    await pool.query(`DELETE FROM ${schema}.applied WHERE consumer = 'resume'`);
    await pool.query(`DELETE FROM ${schema}.samhandling_processed_events WHERE consumer = 'resume'`);
    await pool.query(`DELETE FROM ${schema}.samhandling_consumer_offsets WHERE consumer = 'resume'`);
    consumer = await start(agency, rowsProjection('resume'));
    expect(await eventually(() => applied('resume'), (rows) => rows.length >= 10)).toEqual(ids([...first, ...second]));
    await consumer.stop();
  }, 90_000);

  it('applies each event once when two consumers of one projection overlap (a rebalance, a stale member)', async () => {
    const agency = await agencyTopicFor();
    const events = Array.from({ length: 40 }, contact);
    const a = await start(agency, rowsProjection('overlap'), {}, { groupId: `${agency}.overlap-a` });
    const b = await start(agency, rowsProjection('overlap'), {}, { groupId: `${agency}.overlap-b` });
    await produce(kafka, agency, events);
    expect(await eventually(() => applied('overlap'), (rows) => rows.length >= 40)).toEqual(ids(events));
    await eventually(async () => a.stats.applied + a.stats.replayed + a.stats.duplicates, (n) => n >= 40);
    await eventually(async () => b.stats.applied + b.stats.replayed + b.stats.duplicates, (n) => n >= 40);
    expect(a.stats.applied + b.stats.applied).toBe(40);
    await a.stop();
    await b.stop();
    expect(await applied('overlap')).toEqual(ids(events));
  }, 60_000);

  it('works on PGlite through the SqlClient interface', async () => {
    const agency = await agencyTopicFor();
    const events = Array.from({ length: 4 }, contact);
    await produce(kafka, agency, [...events, events[0]]);
    const pglite = await PgliteSqlClient.open('memory://');
    try {
      const consumer = await runProjectionConsumer({ source: { kind: 'kafka', kafka, agency, consumer: quick }, sql: pglite, schema, projection: rowsProjection('pglite'), log: () => undefined });
      expect(await eventually(() => applied('pglite', pglite), (rows) => rows.length >= 4)).toEqual(ids(events));
      await eventually(async () => consumer.stats.duplicates, (n) => n === 1);
      await consumer.stop();
    } finally {
      await pglite.close();
    }
  }, 60_000);
});
