'use strict';
/**
 * Emmett's side of bench/relay: the same events in an Emmett PostgreSQL store (its own database:
 * Emmett has no schema option), read by postgreSQLReactor with its default pulling, each message
 * forwarded to every agency's topic. No policy and no records: strictly less work per event than
 * our relay does.
 */
const { performance } = require('node:perf_hooks');

async function runEmmett({ url, kafka, Partitioners, items, topics }) {
  const pg = require('pg');
  const { dumbo } = require('@event-driven-io/dumbo');
  const { getPostgreSQLEventStore, postgreSQLEventStoreConsumer } = require('@event-driven-io/emmett-postgresql');
  const pgPool = new pg.Pool({ connectionString: url, max: 10, application_name: 'emmett-bench' });
  pgPool.on('error', () => undefined);
  const pool = dumbo({ connectionString: url, pool: pgPool });
  const store = getPostgreSQLEventStore(url, { connectionOptions: { dumbo: pool } });
  await store.schema.migrate();

  // Same events, same order; streams appended one event at a time, 16 at once.
  let next = 0;
  const last = new Map();
  const chained = items.map((item) => {
    let done;
    const finished = new Promise((r) => { done = r; });
    const ready = last.get(item.streamId) ?? Promise.resolve();
    last.set(item.streamId, finished);
    return { ...item, ready, done };
  });
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < chained.length) {
      const item = chained[next++];
      await item.ready;
      await store.appendToStream(item.streamId, [{ type: item.event.type, data: item.event.data, metadata: item.event.metadata }]);
      item.done();
    }
  }));

  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.createTopics({ waitForLeaders: true, topics: topics.filter((t) => !existing.has(t)).map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })) });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();

  let handled = 0;
  let deliveries = 0;
  const consumer = postgreSQLEventStoreConsumer({ connectionString: url, pool, stopWhen: { noMessagesLeft: true } });
  consumer.reactor({
    processorId: `bench-relay-${process.pid}`,
    startFrom: 'BEGINNING',
    eachMessage: async (message) => {
      const value = JSON.stringify({ id: message.metadata.messageId, type: message.type, data: message.data, logposition: String(message.metadata.globalPosition) });
      const key = String(message.data.subjectId ?? message.metadata.streamName);
      await producer.sendBatch({ acks: -1, topicMessages: topics.map((topic) => ({ topic, messages: [{ key, value }] })) });
      handled++;
      deliveries += topics.length;
    },
  });
  const t0 = performance.now();
  await consumer.start();
  const seconds = (performance.now() - t0) / 1000;
  await consumer.close?.();
  await producer.disconnect();
  await pool.close?.().catch?.(() => undefined);
  await pgPool.end().catch(() => undefined);
  // Emmett pages on global_position but orders by transaction id, so after concurrent appends it
  // can skip a few events (see bench/README, append): reported, and its rate counts what it handled.
  return { events: handled, skipped: items.length - handled, seconds, deliveries };
}

module.exports = { runEmmett };
