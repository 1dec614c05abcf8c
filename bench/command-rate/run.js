'use strict';
/**
 * bench/command-rate — how many commands one API process serves, and how fast (issue 15, point 5).
 *   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/command-rate/run.js
 *   RATES=200,500,1000 (commands/s offered), SECONDS=10 (per rate)
 *
 * The API from dist/ (scripts/run.js api, as `npm start` runs it) on a fresh PostgreSQL database,
 * rate limit off. After 200 people are registered, RecordContact is offered at a fixed rate, open
 * loop: each request is sent at its scheduled instant whether or not the ones before have
 * answered, and its latency counts from that instant, so a server falling behind shows as latency
 * rather than as a slower offer (no coordinated omission). Reference in the same run and process:
 * GET /health/live at the same rates, the HTTP stack with no command behind it.
 * Target: at 1,000 commands/s, ≥ 99% served (201) and p99 < 50 ms.
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const { createServer } = require('node:net');
const { performance } = require('node:perf_hooks');
const { enforce, SMOKE } = require('../lib/smoke');
const { createDatabase, dropDatabase } = require('../append/common');

const ROOT = join(__dirname, '..', '..');
const RATES = (process.env.RATES ?? (SMOKE ? '50' : '200,500,1000')).split(',').map(Number);
const SECONDS = Number(process.env.SECONDS ?? (SMOKE ? 2 : 10));
const TARGET_RATE = 1_000;
const TARGET_P99_MS = 50;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const freePort = () => new Promise((resolve, reject) => {
  const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

function startApi(url, dataDir, port) {
  // BENCH_API_FLAGS: node flags for the API process, e.g. --cpu-prof --cpu-prof-dir=/tmp/prof.
  const flags = (process.env.BENCH_API_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...flags, join(ROOT, 'scripts', 'run.js'), 'api'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', RELAY_IN_PROCESS: 'false' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => { stderr = (stderr + c).slice(-4000); });
  return { child, stderr: () => stderr, exited: new Promise((r) => child.once('exit', r)) };
}

async function token(dataDir) {
  require(join(ROOT, 'scripts', 'dist.js')).registerPaths();
  const { ensureLocalKeyPair, mintToken } = require(join(ROOT, 'dist', 'apps', 'api', 'src', 'platform', 'auth', 'local-keys.js'));
  const { privateJwk } = await ensureLocalKeyPair(dataDir);
  return mintToken(privateJwk, { agency: 'oslo-refugee', actor: 'bench' }, { issuer: 'samhandling-local', audience: 'samhandling-api' });
}

const quantile = (sorted, q) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);

/** Offers `request` at `rate` per second for SECONDS, open loop; returns what was served and how fast. */
async function offer(rate, request) {
  const total = Math.round(rate * SECONDS);
  const latencies = [];
  let failed = 0;
  const t0 = performance.now() + 50;
  const pending = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(request(i).then((ok) => {
      if (ok) latencies.push(performance.now() - due);
      else failed++;
    }, () => { failed++; }));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { offered: rate, served: latencies.length / seconds, ok: latencies.length, failed, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

async function main() {
  const name = `bench_command_rate_${process.pid}`;
  const url = await createDatabase(name);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-command-rate-'));
  const port = await freePort();
  const api = startApi(url, dataDir, port);
  const base = `http://127.0.0.1:${port}`;
  try {
    for (const deadline = Date.now() + 60_000; ; await sleep(200)) {
      if (api.child.exitCode !== null) throw new Error(`the API exited: ${api.stderr()}`);
      if (Date.now() > deadline) throw new Error(`the API did not start: ${api.stderr()}`);
      if (await fetch(`${base}/health/live`).then((r) => r.ok, () => false)) break;
    }
    const bearer = await token(dataDir);
    const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' };
    const people = [];
    for (let i = 0; i < 200; i++) {
      const subjectId = randomUUID();
      const res = await fetch(`${base}/subjects`, { method: 'POST', headers, body: JSON.stringify({ subjectId, givenName: 'Amina', familyName: 'Bench', birthDate: '1990-01-01' }) });
      if (res.status !== 201) throw new Error(`registering: ${res.status} ${await res.text()}`);
      people.push(subjectId);
    }
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const contact = async (i) => {
      const res = await fetch(`${base}/subjects/${people[i % people.length]}/contacts`, {
        method: 'POST', headers,
        body: JSON.stringify({ contactId: randomUUID(), occurredAt: hourAgo, channel: 'phone', categories: ['contact_log'], summary: 'Called about the introduction programme', concerns: [], interpreterUsed: false }),
      });
      await res.arrayBuffer();
      return res.status === 201;
    };
    const live = async () => {
      const res = await fetch(`${base}/health/live`);
      await res.arrayBuffer();
      return res.ok;
    };
    await offer(100, contact); // warm up: JIT, connections, plans
    const rows = [];
    for (const rate of RATES) {
      const reference = await offer(rate, live);
      const ours = await offer(rate, contact);
      rows.push({ rate, ours, reference });
      process.stdout.write(`offered ${rate}/s: RecordContact ${ours.served.toFixed(0)}/s p50 ${ours.p50.toFixed(1)} ms p99 ${ours.p99.toFixed(1)} ms (${ours.failed} failed); GET /health/live ${reference.served.toFixed(0)}/s p99 ${reference.p99.toFixed(1)} ms\n`);
    }
    console.log(`\nRecordContact on one API process, PostgreSQL, open loop, ${SECONDS} s per rate`);
    console.log('| offered | served | p50 | p99 | failed | reference: GET /health/live served, p99 |');
    console.log('|---:|---:|---:|---:|---:|---:|');
    for (const { rate, ours, reference } of rows) {
      console.log(`| ${rate}/s | ${ours.served.toFixed(0)}/s | ${ours.p50.toFixed(1)} ms | ${ours.p99.toFixed(1)} ms | ${ours.failed} | ${reference.served.toFixed(0)}/s, ${reference.p99.toFixed(1)} ms |`);
    }
    const atTarget = rows.find((r) => r.rate === TARGET_RATE);
    let missed = true;
    if (atTarget) {
      const { ours } = atTarget;
      missed = ours.served < 0.99 * TARGET_RATE || !(ours.p99 < TARGET_P99_MS);
      console.log(`at ${TARGET_RATE}/s: served ${ours.served.toFixed(0)}/s, p99 ${ours.p99.toFixed(1)} ms: ${missed ? 'FAIL' : 'PASS'} (target ≥ ${0.99 * TARGET_RATE}/s, p99 < ${TARGET_P99_MS} ms)`);
    } else {
      console.log(`(the target is checked at ${TARGET_RATE}/s, not offered in this run)`);
    }
    if (SMOKE) console.log('(smoke run: too short for the figures to mean anything)');
    enforce(missed);
  } finally {
    api.child.kill('SIGTERM');
    await api.exited;
    rmSync(dataDir, { recursive: true, force: true });
    await dropDatabase(name).catch(() => undefined);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
