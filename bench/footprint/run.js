'use strict';
/**
 * Footprint of the embedded default, as a newcomer meets it: `npm start` (scripts/run.js api, what
 * the npm script execs) on a fresh DATA_DIR, then again on the same directory; idle RSS of each;
 * RSS after 10k and 100k events appended through the HTTP API (with the in-process relay and the
 * read projections keeping up); and how long SIGTERM takes to stop it.
 *
 * Targets (issue 12): second start serves in ≤ 5 s; idle RSS ≤ 250 MiB; RSS after 10k and 100k
 * events < 400 MiB. Reference in the same run: a bare `node` holding an opened PGlite on the same
 * data directory with PostgreSQL's default shared_buffers (128MB), i.e. what the embedded database
 * costs before any of Samhandling runs.
 *
 *   npm run build && node bench/footprint/run.js            # EVENTS=10000,100000 by default
 *   EVENTS=10000 node bench/footprint/run.js                # quicker
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const ROOT = join(__dirname, '..', '..');
const MiB = 1024 * 1024;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssOf = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)[1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
};
const mib = (bytes) => `${(bytes / MiB).toFixed(0)} MiB`;

/** RSS once it has settled: sampled every 500 ms until two samples are within 2 MiB (at most 15 s). */
async function idleRss(pid) {
  let last = rssOf(pid).rss;
  for (let i = 0; i < 30; i++) {
    await sleep(500);
    const now = rssOf(pid).rss;
    if (Math.abs(now - last) < 2 * MiB) return now;
    last = now;
  }
  return last;
}

/** The node flags `npm start` runs the API with (package.json), so the bench measures what a user gets. */
const START_FLAGS = (() => {
  const start = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const match = /node((?:\s+--[\w-]+(?:=\S+)?)*)\s+scripts\/run\.js api/.exec(start);
  if (!match) throw new Error(`cannot read the node flags of npm start: ${start}`);
  return match[1].trim().split(/\s+/).filter(Boolean);
})();

function startApi(dataDir, port) {
  const started = Date.now();
  const child = spawn(process.execPath, [...START_FLAGS, join(ROOT, 'scripts', 'run.js'), 'api'], {
    cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: '', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => { stderr += c; });
  const exited = new Promise((r) => child.on('exit', r));
  return { child, started, exited, stderr: () => stderr };
}

async function untilServing(api, port, deadlineMs = 120_000) {
  while (Date.now() - api.started < deadlineMs) {
    if (api.child.exitCode !== null) throw new Error(`API exited ${api.child.exitCode}: ${api.stderr()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return Date.now() - api.started;
    } catch { /* not listening yet */ }
    await sleep(50);
  }
  throw new Error(`API did not serve within ${deadlineMs} ms: ${api.stderr()}`);
}

async function stop(api) {
  const t = Date.now();
  api.child.kill('SIGTERM');
  await api.exited;
  return Date.now() - t;
}

async function token(dataDir) {
  // The local signing key the API created in DATA_DIR; the same code `npm run token` uses.
  require(join(ROOT, 'scripts', 'dist.js')).registerPaths();
  const { ensureLocalKeyPair, mintToken } = require(join(ROOT, 'dist', 'apps', 'api', 'src', 'platform', 'auth', 'local-keys.js'));
  const { privateJwk } = await ensureLocalKeyPair(dataDir);
  return mintToken(privateJwk, { agency: 'oslo-refugee', actor: 'bench' }, { issuer: 'samhandling-local', audience: 'samhandling-api' });
}

/** Appends `count` events over HTTP: one subject registration, then nine contacts about them, 16 callers at a time. */
async function appendEvents(port, bearer, count) {
  const post = async (path, body) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  };
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = Math.min(10, count - next);
      next += n;
      const subjectId = randomUUID();
      await post('/subjects', { subjectId, givenName: 'Bench', familyName: 'Person', birthDate: '1990-04-30' });
      for (let i = 1; i < n; i++) {
        await post(`/subjects/${subjectId}/contacts`, {
          contactId: randomUUID(), occurredAt: hourAgo, channel: 'in_person', categories: ['contact_log'],
          summary: 'Introduction programme meeting, attendance and progress noted', concerns: [], interpreterUsed: false,
        });
      }
    }
  };
  const t = Date.now();
  await Promise.all(Array.from({ length: 16 }, worker));
  return Date.now() - t;
}

/** Where the memory is, from the API's own /metrics: V8 heap in use and external memory (PGlite's WASM heap lives there). */
async function breakdown(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name) => Number((new RegExp(`^${name} (\\S+)`, 'm').exec(text) ?? [])[1] ?? NaN);
  return `heap used ${mib(value('nodejs_heap_size_used_bytes'))}, external ${mib(value('nodejs_external_memory_bytes'))}`;
}

/** Reference: the embedded database alone, opened the way v0.1.0 opened it (PostgreSQL's default 128MB cache). */
async function referenceRss(dataDir) {
  const script = `const { PGlite } = require(${JSON.stringify(require.resolve('@electric-sql/pglite', { paths: [ROOT] }))});
    PGlite.create(process.argv[1]).then(async (db) => { await db.query('select count(*) from pg_class'); process.send('ready'); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ['-e', script, dataDir], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise((r) => child.once('message', r));
  const rss = await idleRss(child.pid);
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  return rss;
}

async function main() {
  const marks = (process.env.EVENTS ?? '10000,100000').split(',').map(Number).filter((n) => n > 0).sort((a, b) => a - b);
  const dataDir = mkdtempSync(join(tmpdir(), 'samhandling-footprint-'));
  const port = 3900 + Math.floor(Math.random() * 90);
  const rows = [];
  const row = (what, value, target, ok) => {
    rows.push({ what, value, target, verdict: ok === undefined ? '' : ok ? 'ok' : 'MISSED' });
    process.stderr.write(`  ${what}: ${value}\n`);
  };
  try {
    let api = startApi(dataDir, port);
    row('first start: serves after', `${await untilServing(api, port)} ms`, '(initdb of a new data directory)');
    const idle1 = await idleRss(api.child.pid);
    row('first start: idle RSS', mib(idle1), '≤ 250 MiB', idle1 <= 250 * MiB);
    row('stop (SIGTERM) took', `${await stop(api)} ms`, 'exits');

    api = startApi(dataDir, port);
    const second = await untilServing(api, port);
    row('second start: serves after', `${second} ms`, '≤ 5000 ms', second <= 5000);
    const idle2 = await idleRss(api.child.pid);
    row('second start: idle RSS', mib(idle2), '≤ 250 MiB', idle2 <= 250 * MiB);
    row('  of which', await breakdown(port), '');

    const bearer = await token(dataDir);
    let appended = 0;
    for (const mark of marks) {
      const ms = await appendEvents(port, bearer, mark - appended);
      row(`append to ${mark} events over HTTP`, `${ms} ms (${Math.round(((mark - appended) * 1000) / ms)} events/s)`, '');
      appended = mark;
      const rss = await idleRss(api.child.pid);
      row(`RSS after ${mark} events`, `${mib(rss)} (peak ${mib(rssOf(api.child.pid).peak)})`, '< 400 MiB', rss < 400 * MiB);
      row('  of which', await breakdown(port), '');
    }
    row('stop (SIGTERM) took', `${await stop(api)} ms`, 'exits');
    row("npm start's node flags; PGLITE_SHARED_BUFFERS", `${START_FLAGS.join(' ') || 'none'}; ${process.env.PGLITE_SHARED_BUFFERS || 'default'}`, '');
    const reference = await referenceRss(join(dataDir, 'pglite'));
    row('reference: bare PGlite on this data directory, default 128MB cache', mib(reference), '');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const width = Math.max(...rows.map((r) => r.what.length));
  for (const r of rows) process.stdout.write(`${r.what.padEnd(width)}  ${String(r.value).padEnd(30)} ${r.target.padEnd(12)} ${r.verdict}\n`);
  require('../lib/smoke').enforce(rows.some((r) => r.verdict === 'MISSED'));
}

main().catch((error) => { console.error(error); process.exit(1); });
