#!/usr/bin/env node
'use strict';
/**
 * Every bench end to end on a tiny workload (BENCH_SMOKE=1), so none breaks unnoticed: CI runs it
 * after the tests. Figures at these sizes mean nothing and missed targets do not fail it; a bench
 * that throws, exits non-zero or does not finish in time does.
 *   cd bench && npm ci && cd .. && node bench/smoke.js     (DATABASE_URL, KAFKA_BROKERS as for the benches)
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const dist = require('../scripts/dist');

const BENCH = __dirname;
const node = process.execPath;
const RUNS = [
  { name: 'policy', args: ['policy/run.js'], env: {} },
  { name: 'append', args: ['append/run.js'], env: { BENCH_STREAMS: '40', BENCH_EVENTS_PER_STREAM: '2', BENCH_WRITERS: '2' }, before: ['npm', ['run', 'build:store']] },
  { name: 'relay', args: ['relay/run.js'], env: { BENCH_PEOPLE: '20', BENCH_RATE: '50', BENCH_SECONDS: '2' } },
  { name: 'commands', args: ['commands/run.js'], env: { BENCH_MARKS: '20,60', BENCH_ROUNDS: '3', BENCH_REFERENCE_ROUNDS: '2' } },
  { name: 'audit', args: ['audit/run.js'], env: { BENCH_SUBJECTS: '3', BENCH_READS: '40' } },
  { name: 'footprint', args: ['footprint/run.js'], env: { EVENTS: '300' } },
  { name: 'scale', args: ['scale/run.js'], env: { BENCH_SCALE_SIZES: '500,1500' } },
  { name: 'command-rate', args: ['command-rate/run.js'], env: { RATES: '50', SECONDS: '2' } },
];

if (!dist.buildIfStale()) process.exit(1);
const results = [];
for (const run of RUNS) {
  const started = Date.now();
  process.stdout.write(`\n== bench ${run.name} (smoke)\n`);
  let status = 0;
  if (run.before) status = spawnSync(run.before[0], run.before[1], { cwd: BENCH, stdio: 'inherit' }).status ?? 1;
  if (status === 0) {
    const child = spawnSync(node, run.args, { cwd: BENCH, stdio: 'inherit', timeout: 10 * 60_000, env: { ...process.env, BENCH_SMOKE: '1', ...run.env } });
    status = child.status ?? 1;
    if (child.error) process.stdout.write(`bench ${run.name}: ${child.error.message}\n`);
  }
  results.push({ name: run.name, status, seconds: Math.round((Date.now() - started) / 1000) });
}
process.stdout.write('\n| bench | exit | seconds |\n|---|---:|---:|\n');
for (const r of results) process.stdout.write(`| ${r.name} | ${r.status} | ${r.seconds} |\n`);
const failed = results.filter((r) => r.status !== 0);
if (failed.length > 0) {
  process.stdout.write(`bench smoke FAILED: ${failed.map((r) => r.name).join(', ')}\n`);
  process.exit(1);
}
process.stdout.write('bench smoke: every bench ran\n');
