'use strict';
/**
 * bench/commands — what one RecordContact costs as the person's history grows.
 *   npm run build && node bench/commands/run.js           (from the repo root; PGlite, the embedded default)
 *   DATABASE_URL=postgres://… node bench/commands/run.js  (PostgreSQL, in a throwaway schema)
 * One person is given 100, then 1,000, then 10,000 contacts (MARKS), and at each size RecordContact
 * is decided and appended ROUNDS times by the API's own handler (handleCommand, contactDecider):
 *   - ours: a stream per contact (`contact-<contactId>`, the API's design): deciding reads one
 *     empty stream, whatever the person's history;
 *   - reference, same run, same store: the previous design, one stream per person
 *     (`contact-<subjectId>`), where deciding reads and folds every contact the person has.
 * Target: ours at the largest size ≤ 1.5× ours at the smallest (median ms per command).
 */
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');
const { randomUUID } = require('node:crypto');
const { performance } = require('node:perf_hooks');

const { ROOT } = require('../lib/product');
const { enforce } = require('../lib/smoke');
const { SqlEventStore, PgSqlClient, PgliteSqlClient } = require('@samhandling/event-store');
const { contactDecider, contactStream } = require('@samhandling/domain');
const { handleCommand } = require(path.join(ROOT, 'dist', 'apps', 'api', 'src', 'platform', 'commands', 'handle-command.js'));

const MARKS = (process.env.BENCH_MARKS ?? '100,1000,10000').split(',').map(Number).filter((n) => n > 0).sort((a, b) => a - b);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
/** The per-person stream at 10,000 events takes seconds a command: a few rounds say enough. */
const REFERENCE_ROUNDS = Number(process.env.BENCH_REFERENCE_ROUNDS ?? 5);

const contactData = (subjectId) => ({
  subjectId, contactId: randomUUID(), occurredAt: '2026-11-20T09:30:00.000Z', channel: 'in_person', categories: ['contact_log'],
  summary: 'Introduction programme follow-up, about 80 characters of free text as a caseworker writes', concerns: [], interpreterUsed: false,
});
const command = (subjectId) => ({ type: 'RecordContact', data: contactData(subjectId), metadata: { agency: 'oslo-refugee', actor: 'bench', now: new Date().toISOString() } });
const context = () => ({ agency: 'oslo-refugee', actor: 'bench', correlationId: randomUUID() });
const recorded = (subjectId, data = contactData(subjectId)) => ({
  id: randomUUID(), type: 'ContactRecorded', data: { ...data, agency: 'oslo-refugee', actor: 'bench', recordedAt: new Date().toISOString() },
  metadata: { agency: 'oslo-refugee', actor: 'bench', command: 'RecordContact' },
});

/** Brings the person to `total` contacts in both designs: per contact (ours) and in the one per-person stream (reference). */
async function seed(store, subjectId, from, total) {
  for (let done = from; done < total;) {
    const n = Math.min(500, total - done);
    const events = Array.from({ length: n }, () => recorded(subjectId));
    await store.append(`contact-${subjectId}`, events.map((e) => ({ ...e, id: randomUUID() })));
    for (let i = 0; i < n; i += 25) await Promise.all(events.slice(i, i + 25).map((e) => store.append(contactStream(e.data.contactId), [e], { expectedRevision: 'no_stream' })));
    done += n;
  }
}

async function timeCommands(store, subjectId, rounds, stream) {
  const ms = [];
  for (let i = 0; i < rounds; i++) {
    const c = command(subjectId);
    const started = performance.now();
    await handleCommand(store, contactDecider, stream(c), c, context());
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], max: ms[ms.length - 1] };
}

async function run(label, sql, cleanup) {
  const store = await SqlEventStore.create(sql, { schema: `bench_commands_${process.pid}` });
  const subjectId = randomUUID();
  const rows = [];
  try {
    await timeCommands(store, randomUUID(), 5, (c) => contactStream(c.data.contactId)); // warm-up: JIT, plans
    let seeded = 0;
    for (const mark of MARKS) {
      await seed(store, subjectId, seeded, mark);
      seeded = mark;
      const ours = await timeCommands(store, subjectId, ROUNDS, (c) => contactStream(c.data.contactId));
      const reference = await timeCommands(store, subjectId, REFERENCE_ROUNDS, () => `contact-${subjectId}`);
      seeded += ROUNDS + REFERENCE_ROUNDS; // both designs gained the contacts just recorded; the reference's stream holds them too
      rows.push({ label, mark, ours, reference });
      process.stderr.write(`  ${label} ${mark} contacts: ours ${ours.median.toFixed(1)} ms, per-person stream ${reference.median.toFixed(1)} ms\n`);
    }
  } finally {
    await cleanup(store);
  }
  return rows;
}

async function main() {
  const results = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-commands-'));
  results.push(...await run('PGlite', await PgliteSqlClient.open(path.join(dir, 'pglite')), async (store) => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }));
  if (process.env.DATABASE_URL) {
    results.push(...await run('Postgres', new PgSqlClient(process.env.DATABASE_URL), async (store) => {
      await store.sqlClient.query(`DROP SCHEMA IF EXISTS bench_commands_${process.pid}, bench_commands_${process.pid}_keys CASCADE`);
      await store.close();
    }));
  }
  console.log(`RecordContact for one person, by its number of contacts (${ROUNDS} commands per size; ${REFERENCE_ROUNDS} for the reference)`);
  console.log('| store    | contacts | ours: stream per contact, median (max) | reference: stream per person, median (max) |');
  console.log('|----------|---------:|---------------------------------------:|-------------------------------------------:|');
  const ms = (t) => `${t.median.toFixed(1)} ms (${t.max.toFixed(1)})`;
  for (const r of results) console.log(`| ${r.label.padEnd(8)} | ${r.mark.toLocaleString('en-US').padStart(8)} | ${ms(r.ours).padStart(38)} | ${ms(r.reference).padStart(42)} |`);
  let missed = false;
  for (const label of new Set(results.map((r) => r.label))) {
    const mine = results.filter((r) => r.label === label);
    const [first, last] = [mine[0], mine[mine.length - 1]];
    const growth = last.ours.median / first.ours.median;
    const referenceGrowth = last.reference.median / first.reference.median;
    missed ||= growth > 1.5;
    console.log(`${label}: from ${first.mark} to ${last.mark} contacts ours grows ${growth.toFixed(2)}× ${growth <= 1.5 ? 'PASS' : 'FAIL'} (target ≤ 1.5×); the per-person stream grows ${referenceGrowth.toFixed(1)}×`);
  }
  enforce(missed);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
