'use strict';
/**
 * bench/relay — the push path: log → policy → disclosure records + feed rows → Kafka topics.
 *   npm --prefix .. run build && node relay/run.js        (from bench/)
 *   DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test, needs CREATE DATABASE),
 *   KAFKA_BROKERS (default 127.0.0.1:9092; start one with deploy/kafka/ensure-kafka.sh).
 *
 * 1. Throughput, same run, same events (BENCH_PEOPLE × 11, see workload.js) in both logs:
 *    - ours: the Relay over SqlEventStore, 10 agencies, policy on — decides every (event, agency),
 *      records each disclosure (hash chain) and feed row in one transaction, produces to the
 *      agencies' topics (idempotent, acks all), checkpoints. From checkpoint 0 to the last position.
 *    - Emmett: postgreSQLReactor (emmett-postgresql 0.42.0, its default pulling) over the same
 *      events in its own store, forwarding each message to the same 10 agencies' topics (no
 *      policy, no records: less work than ours) with the same producer settings. Its reactor hands
 *      messages over one at a time and stores its checkpoint after each.
 *    Target: ours ≥ 10× Emmett.
 * 2. Latency: appends at BENCH_RATE events/s (default 1,000) for BENCH_SECONDS (10) while the
 *    relay runs as its own process (apps/relay from dist/, as deployed); a Kafka consumer on the 10 topics timestamps each delivery. Append call → consumer
 *    receipt, p50/p99 over every delivery. Target: p99 < 200 ms.
 */
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { ROOT } = require('../lib/product');
const { SqlEventStore, PgSqlClient } = require('@samhandling/event-store');
const { DisclosureLog } = require('@samhandling/audit');
const { loadCatalog } = require('@samhandling/policy');
const { Relay, FeedStore, KafkaSink, createKafka, agencyTopic, ensureTopics } = require('@samhandling/messaging');
const { Partitioners } = require(path.join(ROOT, 'node_modules', 'kafkajs'));
const { createDatabase, dropDatabase } = require('../append/common');
const { agencies, history, person, healthContact } = require('./workload');
const { runEmmett } = require('./emmett');

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const catalog = loadCatalog(path.join(ROOT, 'libs', 'policy', 'catalog'));
const kafka = createKafka({ brokers: BROKERS, clientId: 'bench-relay' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function openOurs(url, schema) {
  const store = await SqlEventStore.create(new PgSqlClient({ connectionString: url, max: 10 }), { schema });
  return { store, disclosureLog: await DisclosureLog.create(store.sqlClient, schema), feed: await FeedStore.create(store.sqlClient, schema) };
}

async function appendAll(store, items, concurrency = 16) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    // Each worker takes every concurrency-th item of one person at a time would reorder a person's
    // events; appending strictly in order per stream keeps them right, so workers take items in turn
    // and wait for the previous item of the same stream.
    while (next < items.length) {
      const item = items[next++];
      await item.ready;
      await store.append(item.streamId, [item.event]);
      item.done();
    }
  }));
}

/** Chains each item to the previous item of the same stream, so parallel appends keep stream order. */
function chained(items) {
  const last = new Map();
  return items.map((item) => {
    let done;
    const finished = new Promise((r) => { done = r; });
    const ready = last.get(item.streamId) ?? Promise.resolve();
    last.set(item.streamId, finished);
    return { ...item, ready, done };
  });
}

async function throughput(url, prefix, items) {
  const dir = agencies(prefix);
  const ours = await openOurs(url, 'bench');
  await appendAll(ours.store, chained(items));
  const last = (await ours.store.readAll({ after: items.length - 1, limit: 1 }))[0].position;
  const sink = await KafkaSink.create({ brokers: BROKERS, clientId: 'bench-relay' }, { agencies: dir.map((a) => a.id), partitions: 3 });
  let deliveries = 0;
  let disclosures = 0;
  const relay = new Relay({ store: ours.store, catalog, agencies: dir, disclosureLog: ours.disclosureLog, feed: ours.feed, sinks: [sink], batchSize: Number(process.env.BENCH_BATCH ?? 500),
    onBatch: (plan) => { deliveries += plan.deliveries.length; disclosures += plan.disclosures.length; } });
  const t0 = performance.now();
  await relay.start();
  await relay.reached(last);
  const oursSeconds = (performance.now() - t0) / 1000;
  await relay.stop();
  await sink.close();
  const chain = await ours.disclosureLog.verify();
  await ours.store.close();
  return { events: last, seconds: oursSeconds, deliveries, disclosures, chainOk: chain.ok };
}

/**
 * Append → consumer latency with the relay as production runs it: its own process (apps/relay,
 * built in dist/), so appends, relay and consumer do not share one event loop.
 */
async function latency(url, prefix) {
  const dir = agencies(prefix);
  const ours = await openOurs(url, 'latency');
  await ensureTopics(kafka, dir.map((a) => agencyTopic(a.id)), { partitions: 3 });
  // A population with consents in force, so every contact is a real policy decision.
  const people = Array.from({ length: 200 }, () => person(prefix));
  await appendAll(ours.store, chained(people.flatMap((p) => p.slice(0, 4))));
  const sent = new Map();
  const latencies = [];
  const consumer = kafka.consumer({ groupId: `bench-latency-${Date.now()}`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: dir.map((a) => agencyTopic(a.id)), fromBeginning: false });
  const joined = new Promise((r) => consumer.on(consumer.events.GROUP_JOIN, r));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = performance.now();
      for (const m of batch.messages) {
        const t = sent.get(m.headers.ce_id.toString());
        if (t !== undefined) latencies.push(now - t);
      }
    },
  });
  await joined;
  const relay = startRelayProcess(url, 'latency', dir);
  const relayAt = async () => Number((await ours.store.sqlClient.query(`SELECT position FROM latency.checkpoints WHERE name = 'relay'`))[0]?.position ?? 0);
  const caughtUp = async (position) => {
    for (const until = Date.now() + 120_000; (await relayAt()) < position; await sleep(50)) {
      if (relay.exitCode !== null) throw new Error(`the relay process exited (${relay.exitCode}): ${relay.output()}`);
      if (Date.now() > until) throw new Error(`the relay did not reach ${position}: ${relay.output()}`);
    }
  };
  const lastOf = async () => (await ours.store.readAll({ after: 0, limit: 1_000_000 })).at(-1).position;
  await caughtUp(await lastOf());
  await sleep(1_000); // consumer assigned and at the end of its partitions

  const perTick = RATE / 100;
  const total = RATE * SECONDS;
  const start = performance.now();
  let appended = 0;
  const pending = [];
  for (let tick = 0; appended < total; tick++) {
    const due = start + tick * 10;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    for (let i = 0; i < perTick && appended < total; i++, appended++) {
      const p = people[Math.floor(Math.random() * people.length)];
      const { streamId, event } = healthContact(prefix, p[0].event.data.subjectId);
      sent.set(event.id, performance.now());
      pending.push(ours.store.append(streamId, [event]));
    }
  }
  const appendSeconds = (performance.now() - start) / 1000;
  await Promise.all(pending);
  await caughtUp(await lastOf());
  await sleep(1_000);
  await relay.stop();
  await consumer.disconnect();
  await ours.store.close();
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { events: total, rate: total / appendSeconds, deliveries: latencies.length, p50: q(0.5), p99: q(0.99), max: latencies.at(-1) };
}

/** apps/relay from dist/, configured by environment only, on the bench's database, schema and agencies. */
function startRelayProcess(url, schema, dir) {
  const { spawn } = require('node:child_process');
  const fs = require('node:fs');
  const os = require('node:os');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-relay-'));
  const directory = path.join(tmp, 'agencies.json');
  fs.writeFileSync(directory, JSON.stringify(dir.map((a) => ({ ...a, name: a.id }))));
  const child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', path.join('dist', 'apps', 'relay', 'src', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_BASEURL: './dist', DATABASE_URL: url, DATABASE_SCHEMA: schema, KAFKA_BROKERS: BROKERS.join(','), AGENCY_DIRECTORY: directory, RELAY_TOPIC_PARTITIONS: '3' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d) => { output = (output + d).slice(-4000); });
  return {
    get exitCode() { return child.exitCode; },
    output: () => output,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => { fs.rmSync(tmp, { recursive: true, force: true }); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}

async function deleteTopics(prefixes) {
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => prefixes.some((p) => t.includes(`.${p}-`) || t.startsWith(`${p}.`)));
  if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => undefined);
  await admin.disconnect();
}

async function main() {
  const runId = process.pid;
  const prefix = `bench${runId}`;
  const oursDb = `bench_${runId}_relay_ours`;
  const emmettDb = `bench_${runId}_relay_emmett`;
  const items = history(prefix, PEOPLE);
  console.log(`bench/relay: ${items.length} events (${PEOPLE} people), 10 agencies, Kafka ${BROKERS.join(',')}`);
  try {
    const ours = await throughput(await createDatabase(oursDb), prefix, items);
    const emmett = await runEmmett({ url: await createDatabase(emmettDb), kafka, Partitioners, items, topics: agencies(prefix).map((a) => `emmett.${a.id}`) });
    const lat = await latency(await createDatabase(`${oursDb}_lat`), `${prefix}l`);

    const oursRate = ours.events / ours.seconds;
    const emmettRate = emmett.events / emmett.seconds;
    const ratio = oursRate / emmettRate;
    console.log('\n| pipeline | events | deliveries | seconds | events/s |\n|---|---:|---:|---:|---:|');
    console.log(`| ours: relay, policy on, records + feed + Kafka | ${fmt(ours.events)} | ${fmt(ours.deliveries)} | ${ours.seconds.toFixed(2)} | ${fmt(oursRate)} |`);
    console.log(`| Emmett postgreSQLReactor → Kafka, no policy | ${fmt(emmett.events)} | ${fmt(emmett.deliveries)} | ${emmett.seconds.toFixed(2)} | ${fmt(emmettRate)} |`);
    console.log(`\nours: ${fmt(ours.disclosures)} disclosure records, chain ${ours.chainOk ? 'verifies' : 'BROKEN'}; Emmett's reactor skipped ${emmett.skipped} events (its paging after concurrent appends)`);
    console.log(`throughput ours/Emmett: ${ratio.toFixed(1)}× — ${ratio >= 10 ? 'PASS' : 'FAIL'} (target ≥ 10×)`);
    console.log(`latency at ${fmt(lat.rate)} events/s for ${SECONDS} s: ${fmt(lat.deliveries)} deliveries, p50 ${lat.p50.toFixed(1)} ms, p99 ${lat.p99.toFixed(1)} ms, max ${lat.max.toFixed(1)} ms — ${lat.p99 < 200 ? 'PASS' : 'FAIL'} (target p99 < 200 ms)`);
  } finally {
    await deleteTopics([prefix, `${prefix}l`]).catch(() => undefined);
    for (const db of [oursDb, emmettDb, `${oursDb}_lat`]) await dropDatabase(db).catch(() => undefined);
  }
}

if (require.main === module) main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
module.exports = { throughput, latency };
