'use strict';
/**
 * Append/read benchmark: Samhandling's SqlEventStore (PostgreSQL and PGlite) against Emmett's
 * PostgreSQL event store. Each store runs in its own child process (append/worker.js); this file
 * collects the results and prints the table, the ratios and the target checks.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { config, dropDatabasesWithPrefix } = require('./common');

const RUNS = [
  ['ours', 'postgres'],
  ['emmett', 'postgres'],
  ['ours', 'pglite'],
];

const TARGETS = {
  batch1VsEmmett: 3,
  batch10VsEmmett: 2,
  globalReadEventsPerSecond: 50_000,
};

async function main() {
  const runId = String(process.pid);
  const prefix = `bench_${runId}_`;
  let interrupted = false;
  const onSignal = async (signal) => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: dropping ${prefix}* databases\n`);
    await dropDatabasesWithPrefix(prefix).catch(() => undefined);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const url = new URL(config.databaseUrl);
  console.log(`Samhandling append/read bench — ${new Date().toISOString()}`);
  console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, PostgreSQL at ${url.host}`);
  console.log(`workload: ${config.streams} streams × ${config.eventsPerStream} events, ${config.writers} writers, ${config.readers} readers, warm-up ${config.warmupEvents} events, pool ${config.poolSize}\n`);

  const rows = [];
  const diagnostics = {};
  try {
    for (const [store, driver] of RUNS) {
      process.stderr.write(`${store} on ${driver}…\n`);
      const result = await runWorker(store, driver, runId);
      rows.push(...result.rows);
      diagnostics[`${store}/${driver}`] = result.diagnostics;
    }
  } finally {
    await dropDatabasesWithPrefix(prefix).catch((e) => process.stderr.write(`cleanup failed: ${e.message}\n`));
  }

  const serverVersion = await pgVersion().catch(() => 'unknown');
  console.log(`PostgreSQL ${serverVersion}\n`);
  printTable(rows);

  const find = (store, driver, scenarioStart) => rows.find((r) => r.store === store && r.driver === driver && r.scenario.startsWith(scenarioStart));
  const ratio = (scenario) => find('ours', 'postgres', scenario).eventsPerSecond / find('emmett', 'postgres', scenario).eventsPerSecond;
  const r1 = ratio('append batch 1 ');
  const r10 = ratio('append batch 10 ');
  const rRead = ratio('read per stream');
  const rGlobal = ratio('read global');
  console.log('\nRatios ours/Emmett (PostgreSQL, events/s):');
  console.log(`  append batch 1    ${r1.toFixed(2)}×`);
  console.log(`  append batch 10   ${r10.toFixed(2)}×`);
  console.log(`  read per stream   ${rRead.toFixed(2)}×`);
  console.log(`  read global log   ${rGlobal.toFixed(2)}×  (Emmett: readMessagesBatch, not part of its EventStore interface)`);

  const global = find('ours', 'postgres', 'read global').eventsPerSecond;
  console.log('\nTargets:');
  const check = (ok, text) => console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
  check(r1 >= TARGETS.batch1VsEmmett, `PostgreSQL append batch 1, ${config.writers} writers: ours ≥ ${TARGETS.batch1VsEmmett}× Emmett (got ${r1.toFixed(2)}×)`);
  check(r10 >= TARGETS.batch10VsEmmett, `PostgreSQL append batch 10, ${config.writers} writers: ours ≥ ${TARGETS.batch10VsEmmett}× Emmett (got ${r10.toFixed(2)}×)`);
  check(global >= TARGETS.globalReadEventsPerSecond, `PostgreSQL global-log read ≥ ${fmt(TARGETS.globalReadEventsPerSecond)} events/s (got ${fmt(global)})`);

  console.log('\nDiagnostics (client side, timed appends only):');
  for (const [key, byScenario] of Object.entries(diagnostics)) {
    for (const [scenario, d] of Object.entries(byScenario)) console.log(`  ${key.padEnd(16)} ${scenario.padEnd(15)} ${JSON.stringify(d)}`);
  }

  const outDir = path.join(__dirname, '..', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `append-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, config, rows, diagnostics, ratios: { r1, r10, rRead, rGlobal } }, null, 2));
  console.log(`\nraw results: ${path.relative(process.cwd(), file)}`);
}

function runWorker(store, driver, runId) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'worker.js'), store, driver, runId], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) return reject(new Error(`${store}/${driver} worker exited with ${code}\n${out}`));
      resolve(JSON.parse(line.slice('RESULT '.length)));
    });
  });
}

function printTable(rows) {
  const header = ['store', 'driver', 'scenario', 'events', 'seconds', 'events/s'];
  const body = rows.map((r) => [r.store, r.driver, r.scenario, String(r.events), r.seconds.toFixed(3), fmt(r.eventsPerSecond)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const right = new Set([3, 4, 5]);
  const line = (cells) => `| ${cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (right.has(i) ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

async function pgVersion() {
  const { Client } = require('pg');
  const c = new Client({ connectionString: config.databaseUrl });
  await c.connect();
  try {
    return (await c.query('SHOW server_version')).rows[0].server_version;
  } finally {
    await c.end();
  }
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
