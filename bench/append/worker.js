'use strict';
/**
 * Benchmarks one store on one driver in its own process (so Emmett's global `pg` type parsers,
 * JIT state and pools never touch another store's run). Prints one `RESULT {json}` line.
 *
 *   node append/worker.js <ours|emmett> <postgres|pglite> <runId>
 *
 * Per batch size: fresh database (or PGlite dir) -> warm-up (same shape, other streams) ->
 * timed appends -> (batch 1 only) timed per-stream and global reads -> close and drop.
 */
const { config, makeWorkload, runConcurrent, timed } = require('./common');
const { openOurs, openEmmett } = require('./stores');

async function main() {
  const [storeName, driver, runId] = process.argv.slice(2);
  if (!['ours', 'emmett'].includes(storeName) || !['postgres', 'pglite'].includes(driver) || !/^[0-9a-z]+$/.test(runId || '')) {
    throw new Error('usage: worker.js <ours|emmett> <postgres|pglite> <runId>');
  }
  const open = (tag) => (storeName === 'ours' ? openOurs(driver, runId, tag) : openEmmett(runId, tag));
  const rows = [];
  const diagnostics = {};

  for (const batch of config.batchSizes) {
    const tag = `b${batch}`;
    const store = await open(tag);
    try {
      // Warm-up: same batch size and concurrency, different streams (counted in the global log only).
      const warm = makeWorkload('warm', Math.max(1, Math.ceil(config.warmupEvents / config.eventsPerStream)), config.eventsPerStream);
      await runConcurrent(config.writers, warm, (s) => store.appendStream(s, batch));
      const warmEvents = warm.length * config.eventsPerStream;

      const work = makeWorkload('case', config.streams, config.eventsPerStream);
      const total = config.streams * config.eventsPerStream;
      store.resetDiagnostics();
      const append = await timed(() => runConcurrent(config.writers, work, (s) => store.appendStream(s, batch)));
      diagnostics[`append batch ${batch}`] = store.diagnostics();
      rows.push(row(storeName, driver, `append batch ${batch} (${config.writers} writers)`, total, append.seconds));
      log(`${storeName}/${driver} append batch ${batch}: ${fmt(total / append.seconds)} events/s`);

      if (batch === 1) {
        // Read warm-up: the warm-up streams and one global page.
        await runConcurrent(config.readers, warm, (s) => store.readStream(s.streamId));
        await store.readGlobal(config.pageSize).catch(() => undefined);

        let readEvents = 0;
        const perStream = await timed(() => runConcurrent(config.readers, work, async (s) => {
          const n = await store.readStream(s.streamId);
          if (n !== config.eventsPerStream) throw new Error(`${s.streamId}: read ${n} events, expected ${config.eventsPerStream}`);
          readEvents += n;
        }));
        rows.push(row(storeName, driver, `read per stream (${config.readers} readers)`, readEvents, perStream.seconds));
        log(`${storeName}/${driver} read per stream: ${fmt(readEvents / perStream.seconds)} events/s`);

        const global = await timed(() => store.readGlobal(config.pageSize));
        const expected = total + warmEvents;
        // Ours must return the whole log exactly; Emmett's paging is checked and its shortfall recorded instead.
        if (global.value !== expected && storeName === 'ours') throw new Error(`global read returned ${global.value} events, expected ${expected}`);
        rows.push(row(storeName, driver, `read global log (pages of ${config.pageSize})`, global.value, global.seconds));
        if (store.globalReadNote) diagnostics['read global'] = { ...store.globalReadNote(), expected, missing: expected - global.value };
        log(`${storeName}/${driver} read global: ${fmt(global.value / global.seconds)} events/s`);
      }
    } finally {
      await store.close();
    }
  }
  process.stdout.write(`RESULT ${JSON.stringify({ rows, diagnostics })}\n`);
}

function row(store, driver, scenario, events, seconds) {
  return { store, driver, scenario, events, seconds, eventsPerSecond: events / seconds };
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const log = (msg) => process.stderr.write(`  ${msg}\n`);

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`worker failed: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
