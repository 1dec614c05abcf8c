'use strict';
/**
 * bench/scale — how the relay's and the read side's costs grow with history (issue 15).
 *   npm run build && node bench/scale/run.js          (from the root; DATABASE_URL as for the other benches)
 *   BENCH_SCALE_SIZES=10000,100000,1000000 (the default) — events in each log
 *   BENCH_SCALE_KEEP=1 — keep each size's database (named in the output) to look into its tables
 *
 * For each size: a fresh database, a log of that many events built from the relay bench's
 * workload (bench/relay/workload.js: 11 events per person, 10 agencies, every kind of push
 * decision), then the relay as production runs it (apps/relay from dist/, feed only):
 *   1. catch-up: from checkpoint 0 to the head; events/s, and the process's peak RSS (VmHWM);
 *   2. restart: one new event appended, a new relay process started; time from spawn to that
 *      event's delivery in the feed (process start, migrations check, policy state, first batch);
 *   3. read side: the API's projections (its two lanes, as apps/api folds them, from dist/) from
 *      0 to the head, in this process; events/s;
 *   4. storage: every table of the schema (log, relay, feed, audit, projections) against the
 *      events table.
 * Then the slope from each size to the next: how each figure grew for 10× the history.
 * Targets: restart ≤ 5 s at every size; peak RSS ≤ 512 MiB at every size (bounded by the
 * policy-state cache, not by the number of people); read-side catch-up ≥ 20,000 events/s;
 * storage ≤ 3×.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { performance } = require('node:perf_hooks');

const { ROOT } = require('../lib/product');
const { enforce, SMOKE } = require('../lib/smoke');
const { SqlEventStore, PgSqlClient } = require('@samhandling/event-store');
const { createDatabase, dropDatabase } = require('../append/common');
const { agencies, person, healthContact } = require('../relay/workload');

const SIZES = (process.env.BENCH_SCALE_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const RESTART_TARGET_MS = 5_000;
const RSS_TARGET_MIB = 512;
const PROJECT_TARGET = 20_000;
const STORAGE_TARGET = 3;
const PREFIX = 'scale';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const mib = (bytes) => bytes / 1024 / 1024;

/** Appends `people` histories, each person's events in order, 32 people at a time. */
async function build(store, events) {
  const people = Math.ceil(events / 11);
  let next = 0;
  let appended = 0;
  let last = null;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < people) {
      next++;
      for (const { streamId, event } of person(PREFIX)) {
        if (appended >= events) return;
        appended++;
        await store.append(streamId, [event]);
        if (!last) last = event.data.subjectId;
      }
    }
  }));
  return { subjectId: last };
}

/** apps/relay from dist/ on the bench's database (feed only), with its peak RSS read from /proc. */
function startRelay(url, directory) {
  const child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', path.join('dist', 'apps', 'relay', 'src', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_BASEURL: './dist', DATABASE_URL: url, DATABASE_SCHEMA: 'samhandling', AGENCY_DIRECTORY: directory, RELAY_HTTP_PORT: '0', KAFKA_BROKERS: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d) => { output = (output + d).slice(-4000); });
  return {
    child,
    output: () => output,
    peakRss: () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) * 1024 : NaN;
      } catch { return NaN; }
    },
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}

async function waitFor(relay, check, what, timeoutMs) {
  for (const until = Date.now() + timeoutMs; !(await check()); await sleep(20)) {
    if (relay.child.exitCode !== null) throw new Error(`the relay exited (${relay.child.exitCode}) before ${what}: ${relay.output()}`);
    if (Date.now() > until) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s: ${relay.output()}`);
  }
}

async function measure(size, directory) {
  const name = `bench_scale_${process.pid}_${size}`;
  const url = await createDatabase(name);
  try {
    const store = await SqlEventStore.create(new PgSqlClient({ connectionString: url, max: 16 }), { schema: 'samhandling' });
    const sql = store.sqlClient;
    const t0 = performance.now();
    const { subjectId } = await build(store, size);
    const head = await store.headPosition();
    process.stdout.write(`  ${fmt(head)} events appended in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const checkpoint = async () => Number((await sql.query(`SELECT position FROM samhandling.checkpoints WHERE name = 'relay'`).catch(() => []))[0]?.position ?? 0);

    // 1. Catch-up from 0.
    let relay = startRelay(url, directory);
    const c0 = performance.now();
    await waitFor(relay, async () => (await checkpoint()) >= head, 'catch-up', 60 * 60_000);
    const catchUpSeconds = (performance.now() - c0) / 1000;
    const peak = relay.peakRss();
    await relay.stop();

    // 2. Restart: a new event waits; a new process delivers it.
    const { streamId, event } = healthContact(PREFIX, subjectId);
    await store.append(streamId, [event]);
    relay = startRelay(url, directory);
    const r0 = performance.now();
    await waitFor(relay, async () => (await sql.query(`SELECT 1 FROM samhandling.deliveries d JOIN samhandling.events e ON e.position = d.position WHERE e.event_id = $1 LIMIT 1`, [event.id])).length > 0, 'the new event\'s delivery', 10 * 60_000);
    const restartMs = performance.now() - r0;
    const restartPeak = relay.peakRss();
    await relay.stop();

    // 3. Read side: both of the API's lanes from 0, as a fresh API (or `projections rebuild`) folds them.
    const { ProjectionSet } = require('@samhandling/projections');
    const { API_PROJECTION_LANES } = require(path.join(ROOT, 'dist', 'apps', 'api', 'src', 'reads', 'api-projections.js'));
    const p0 = performance.now();
    const set = await ProjectionSet.start(store, API_PROJECTION_LANES);
    await set.catchUp();
    const projectSeconds = (performance.now() - p0) / 1000;
    await set.stop();
    const folded = await store.headPosition();

    // 4. Storage.
    const tables = await sql.query(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'samhandling' AND c.relkind = 'r' ORDER BY 2 DESC`);
    const events = Number(tables.find((t) => t.name === 'events')?.bytes ?? 0);
    const all = tables.reduce((n, t) => n + Number(t.bytes), 0);
    await store.close();
    return {
      size: head, catchUp: head / catchUpSeconds, project: folded / projectSeconds, peakMiB: mib(Math.max(peak, restartPeak)), restartMs, storage: all / events,
      tables: tables.slice(0, 5).map((t) => `${t.name} ${(Number(t.bytes) / events).toFixed(2)}×`).join(', '),
    };
  } finally {
    if (process.env.BENCH_SCALE_KEEP) process.stdout.write(`  kept database ${name} (BENCH_SCALE_KEEP)\n`);
    else await dropDatabase(name).catch(() => undefined);
  }
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
  const directory = path.join(tmp, 'agencies.json');
  fs.writeFileSync(directory, JSON.stringify(agencies(PREFIX).map((a) => ({ ...a, name: a.id }))));
  const rows = [];
  try {
    for (const size of SIZES) {
      process.stdout.write(`\n== ${fmt(size)} events\n`);
      rows.push(await measure(size, directory));
      const r = rows.at(-1);
      process.stdout.write(`  relay catch-up ${fmt(r.catchUp)} events/s, read side ${fmt(r.project)} events/s, peak RSS ${fmt(r.peakMiB)} MiB, restart → first new delivery ${fmt(r.restartMs)} ms, storage ${r.storage.toFixed(2)}× (${r.tables})\n`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log('\n| events | restart → first new delivery | target ≤ 5 s | relay catch-up | peak RSS | target ≤ 512 MiB | read-side catch-up | target ≥ 20,000 ev/s | all tables / events table | target ≤ 3× |');
  console.log('|---:|---:|:--:|---:|---:|:--:|---:|:--:|---:|:--:|');
  let missed = false;
  for (const r of rows) {
    const restartOk = r.restartMs <= RESTART_TARGET_MS;
    const rssOk = r.peakMiB <= RSS_TARGET_MIB;
    const projectOk = r.project >= PROJECT_TARGET;
    const storageOk = r.storage <= STORAGE_TARGET;
    missed ||= !restartOk || !rssOk || !projectOk || !storageOk;
    const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
    console.log(`| ${fmt(r.size)} | ${(r.restartMs / 1000).toFixed(2)} s | ${verdict(restartOk)} | ${fmt(r.catchUp)} ev/s | ${fmt(r.peakMiB)} MiB | ${verdict(rssOk)} | ${fmt(r.project)} ev/s | ${verdict(projectOk)} | ${r.storage.toFixed(2)}× | ${verdict(storageOk)} |`);
  }
  if (rows.length > 1) {
    console.log('\nslope (each figure at this size ÷ the same figure at the previous size):');
    console.log('| from → to | events | restart | relay catch-up rate | peak RSS | read-side catch-up rate | storage ratio |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1], rows[i]];
      const x = (p, q) => `${(q / p).toFixed(2)}×`;
      console.log(`| ${fmt(a.size)} → ${fmt(b.size)} | ${x(a.size, b.size)} | ${x(a.restartMs, b.restartMs)} | ${x(a.catchUp, b.catchUp)} | ${x(a.peakMiB, b.peakMiB)} | ${x(a.project, b.project)} | ${x(a.storage, b.storage)} |`);
    }
  }
  if (SMOKE) console.log('(smoke run: sizes too small for the figures to mean anything)');
  enforce(missed);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
