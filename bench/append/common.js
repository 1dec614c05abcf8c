'use strict';
/**
 * Shared pieces of the append/read benchmark: configuration, the workload (identical payloads for
 * every store), a bounded-concurrency runner and throwaway-database helpers.
 */
const { randomUUID, createHash } = require('node:crypto');
const { performance } = require('node:perf_hooks');

const config = {
  databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  streams: intEnv('BENCH_STREAMS', 1000),
  eventsPerStream: intEnv('BENCH_EVENTS_PER_STREAM', 10),
  writers: intEnv('BENCH_WRITERS', 8),
  readers: intEnv('BENCH_READERS', 8),
  pageSize: intEnv('BENCH_PAGE_SIZE', 1000),
  warmupEvents: intEnv('BENCH_WARMUP_EVENTS', 500),
  poolSize: intEnv('BENCH_POOL_SIZE', 10),
  batchSizes: [1, 10],
};

function intEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

/**
 * Streams of `perStream` events each; every event has a stable payload (~300 bytes of JSON data,
 * ~150 bytes of metadata) so both stores write the same bytes. `id` is only used by our store
 * (Emmett generates its own message ids).
 */
function makeWorkload(prefix, streamCount, perStream) {
  const streams = [];
  for (let s = 0; s < streamCount; s++) {
    const streamId = `${prefix}-${s}`;
    const events = [];
    for (let i = 0; i < perStream; i++) {
      events.push({
        id: randomUUID(),
        type: EVENT_TYPES[i % EVENT_TYPES.length],
        data: {
          caseId: streamId,
          seq: i,
          subjectRef: createHash('sha256').update(`${streamId}/${i}`).digest('hex'),
          fromAgency: 'nav-oslo',
          toAgency: 'helse-vest',
          legalBasis: 'forvaltningsloven § 13 b nr. 5',
          purpose: 'Coordinated follow-up of a shared case between two public services',
          fields: ['name', 'address', 'caseStatus'],
          occurredAt: '2026-01-15T10:00:00.000Z',
        },
        metadata: {
          correlationId: `corr-${s}`,
          causationId: `cmd-${s}-${i}`,
          actor: 'bench-user',
          schemaVersion: 1,
        },
      });
    }
    streams.push({ streamId, events });
  }
  return streams;
}

const EVENT_TYPES = ['SharingRequested', 'SharingApproved', 'InformationShared'];

/** Runs `work(item)` for every item with at most `concurrency` in flight (workers pull from a shared cursor). */
async function runConcurrent(concurrency, items, work) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

async function timed(fn) {
  const start = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - start) / 1000, value };
}

/** Connection string for another database on the same server. */
function databaseUrlFor(name) {
  const url = new URL(config.databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates a throwaway database with the bench's own `pg` (admin connection to DATABASE_URL). */
async function createDatabase(name) {
  checkName(name);
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  return databaseUrlFor(name);
}

async function dropDatabase(name) {
  checkName(name);
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Drops every database whose name starts with `prefix` (left over by a crashed worker). */
async function dropDatabasesWithPrefix(prefix) {
  checkName(prefix);
  await admin(async (c) => {
    const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix}%`]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  });
}

async function admin(work) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: config.databaseUrl, application_name: 'samhandling-bench-admin' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function checkName(name) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Unsafe database name ${name}`);
}

module.exports = {
  config, makeWorkload, runConcurrent, timed, createDatabase, dropDatabase, dropDatabasesWithPrefix, databaseUrlFor,
};
