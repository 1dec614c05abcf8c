'use strict';
/**
 * Adapters giving every store under test the same small surface:
 *   appendStream({streamId, events}, batchSize)  appends a stream's events in slices of batchSize,
 *                                                with exact optimistic-concurrency expectations
 *   readStream(streamId) -> number of events     per-stream read
 *   readGlobal(pageSize) -> number of events     whole global log, paged from the start
 *   diagnostics() / resetDiagnostics()           client-side counters, where we can see them
 *   close()                                      closes and removes the throwaway database / dir
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { config, createDatabase, dropDatabase } = require('./common');

const ROOT = path.resolve(__dirname, '..', '..');
const OUR_DIST = path.join(__dirname, '..', 'dist', 'libs', 'event-store', 'src', 'index.js');

/**
 * Our store is compiled into bench/dist, where a bare `require('pg')` would find bench/node_modules
 * (Emmett's copy). Send the product's runtime dependencies to the product's own node_modules so
 * our store runs on exactly what the product ships with.
 */
function loadOurStore() {
  const productDeps = new Set(['pg', '@electric-sql/pglite']);
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    if (productDeps.has(request) && parent && parent.filename && parent.filename.startsWith(path.join(__dirname, '..', 'dist'))) {
      return original.call(this, request, parent, isMain, { paths: [ROOT] });
    }
    return original.call(this, request, parent, isMain, options);
  };
  if (!fs.existsSync(OUR_DIST)) throw new Error(`${OUR_DIST} missing: run "npm run build:store" in bench/ first`);
  return require(OUR_DIST);
}

/**
 * Wraps a SqlClient to count commits, round trips and JSON parameter bytes of appends. A commit is
 * either one `append_batch` statement sent on its own (autocommit: one round trip) or an explicit
 * transaction (its statements plus BEGIN and COMMIT).
 */
function instrument(sql) {
  const stats = { commits: 0, roundTrips: 0, paramBytes: 0, commitMillis: 0 };
  const countParams = (params) => {
    for (const p of params || []) if (typeof p === 'string') stats.paramBytes += Buffer.byteLength(p);
  };
  const time = async (run) => {
    const start = performance.now();
    try {
      return await run();
    } finally {
      stats.commitMillis += performance.now() - start;
    }
  };
  const query = sql.query.bind(sql);
  sql.query = (text, params, ...options) => {
    if (!/append_batch/.test(text)) return query(text, params, ...options);
    stats.commits++;
    stats.roundTrips++;
    countParams(params);
    return time(() => query(text, params, ...options));
  };
  const transaction = sql.transaction.bind(sql);
  sql.transaction = (work) => {
    stats.commits++;
    stats.roundTrips += 2; // BEGIN, COMMIT
    return time(() => transaction((tx) => work({
      query(text, params) {
        stats.roundTrips++;
        countParams(params);
        return tx.query(text, params);
      },
    })));
  };
  return stats;
}

async function openOurs(driver, runId, tag) {
  const { SqlEventStore, PgSqlClient, PgliteSqlClient } = loadOurStore();
  let sql;
  let cleanup;
  if (driver === 'postgres') {
    const dbName = `bench_${runId}_ours_${tag}`;
    const url = await createDatabase(dbName);
    sql = new PgSqlClient({ connectionString: url, max: config.poolSize });
    cleanup = () => dropDatabase(dbName);
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `samhandling-bench-pglite-${tag}-`));
    sql = await PgliteSqlClient.open(dir);
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const stats = instrument(sql);
  const store = await SqlEventStore.create(sql, { schema: 'bench' });
  let appends = 0;
  let events = 0;

  return {
    async appendStream({ streamId, events: all }, batch) {
      for (let k = 0; k * batch < all.length; k++) {
        const slice = all.slice(k * batch, (k + 1) * batch).map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata }));
        const result = await store.append(streamId, slice, { expectedRevision: k === 0 ? 'no_stream' : k * batch - 1 });
        const expected = k * batch + slice.length - 1;
        if (result.nextRevision !== expected) throw new Error(`${streamId}: nextRevision ${result.nextRevision}, expected ${expected}`);
        appends++;
        events += slice.length;
      }
    },
    async readStream(streamId) {
      const rows = await store.readStream(streamId);
      for (let i = 0; i < rows.length; i++) if (rows[i].revision !== i) throw new Error(`${streamId}: revision gap at ${i}`);
      return rows.length;
    },
    async readGlobal(pageSize) {
      let after = 0;
      let total = 0;
      for (;;) {
        const page = await store.readAll({ after, limit: pageSize });
        total += page.length;
        if (page.length > 0) {
          if (page[0].position !== after + 1) throw new Error(`global log gap after ${after}`);
          after = page[page.length - 1].position;
        }
        if (page.length < pageSize) return total;
      }
    },
    resetDiagnostics() {
      Object.assign(stats, { commits: 0, roundTrips: 0, paramBytes: 0, commitMillis: 0 });
      appends = 0;
      events = 0;
    },
    diagnostics() {
      const per = (n) => (stats.commits ? +(n / stats.commits).toFixed(2) : 0);
      return {
        appends,
        events,
        transactions: stats.commits,
        appendsPerTx: per(appends),
        roundTripsPerTx: per(stats.roundTrips),
        msPerTx: per(stats.commitMillis),
        paramBytesPerEvent: events ? Math.round(stats.paramBytes / events) : 0,
      };
    },
    async close() {
      try {
        await store.close();
      } finally {
        await cleanup();
      }
    },
  };
}

async function openEmmett(runId, tag) {
  const pg = require('pg');
  const { dumbo } = require('@event-driven-io/dumbo');
  const { getPostgreSQLEventStore, readMessagesBatch } = require('@event-driven-io/emmett-postgresql');
  // Emmett keeps its tables in the connection's default schema (public) and has no schema option,
  // so each scenario gets its own throwaway database.
  const dbName = `bench_${runId}_emmett_${tag}`;
  const url = await createDatabase(dbName);
  const pgPool = new pg.Pool({ connectionString: url, max: config.poolSize, application_name: 'emmett-bench' });
  pgPool.on('error', () => undefined);
  const pool = dumbo({ connectionString: url, pool: pgPool });
  const store = getPostgreSQLEventStore(url, { connectionOptions: { dumbo: pool } });
  await store.schema.migrate();
  let appends = 0;
  let events = 0;
  let globalReadNote;

  return {
    async appendStream({ streamId, events: all }, batch) {
      for (let k = 0; k * batch < all.length; k++) {
        const slice = all.slice(k * batch, (k + 1) * batch).map((e) => ({ type: e.type, data: e.data, metadata: e.metadata }));
        // Emmett's PostgreSQL stream versions count events (0 = stream does not exist); 0n makes the
        // append INSERT the stream row, which fails if the stream exists: the same as our no_stream.
        const result = await store.appendToStream(streamId, slice, { expectedStreamVersion: BigInt(k * batch) });
        const expected = BigInt(k * batch + slice.length);
        if (result.nextExpectedStreamVersion !== expected) throw new Error(`${streamId}: next version ${result.nextExpectedStreamVersion}, expected ${expected}`);
        appends++;
        events += slice.length;
      }
    },
    async readStream(streamId) {
      const { events: rows } = await store.readStream(streamId);
      for (let i = 0; i < rows.length; i++) if (rows[i].metadata.streamPosition !== BigInt(i + 1)) throw new Error(`${streamId}: position gap at ${i}`);
      return rows.length;
    },
    /** Emmett's EventStore interface has no read-all; readMessagesBatch is the exported primitive its consumers poll with. */
    async readGlobal(pageSize) {
      let options = { from: 0n, batchSize: pageSize };
      let total = 0;
      const seen = new Set();
      for (;;) {
        const result = await readMessagesBatch(pool.execute, options);
        for (const m of result.messages) seen.add(m.metadata.globalPosition);
        total += result.messages.length;
        if (!result.areMessagesLeft) break;
        options = { after: result.currentGlobalPosition, batchSize: pageSize };
      }
      // Emmett orders a batch by (transaction_id, global_position) but pages on global_position, so
      // after interleaved concurrent appends a page boundary can hand back rows already delivered.
      // Count distinct events (what a consumer effectively got) and record the duplicates.
      globalReadNote = { rowsReturned: total, distinctEvents: seen.size, duplicates: total - seen.size };
      return seen.size;
    },
    resetDiagnostics() {
      appends = 0;
      events = 0;
    },
    diagnostics() {
      // One transaction per append: BEGIN, SELECT emt_append_to_stream(...), COMMIT.
      return { appends, events, transactions: appends, appendsPerTx: 1, roundTripsPerTx: 3 };
    },
    globalReadNote: () => globalReadNote,
    async close() {
      try {
        await store.close();
        await pgPool.end().catch(() => undefined);
      } finally {
        await dropDatabase(dbName);
      }
    },
  };
}

module.exports = { openOurs, openEmmett };
