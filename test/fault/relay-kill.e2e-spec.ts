import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DisclosureLog } from '@samhandling/audit';
import { PgSqlClient, SqlEventStore, type RecordedEvent } from '@samhandling/event-store';
import { createKafka } from '@samhandling/messaging';
import { loadCatalog, type AgencyRef } from '@samhandling/policy';
import { postgresUrl, uniqueSchema } from '../../libs/testing/src/services';
import { planBatch } from '../../libs/messaging/src/relay/batch-plan';
import { PolicyTracker } from '../../libs/messaging/src/relay/policy-tracker';
import { Recipients } from '../../libs/messaging/src/relay/recipients';
import { consumeAll, topicsOf } from '../../libs/messaging/src/relay/testing/relay-fixture';
import { interleave, personScript } from '../../libs/messaging/src/relay/testing/workload';

/**
 * The relay is SIGKILLed at random moments while events are being appended — during start-up,
 * the rebuild, a batch's transaction, its produce, its checkpoint — and restarted each time; the
 * broker is restarted once mid-stream. Afterwards every (event, agency) delivery the policy
 * entitles is on Kafka at least once, nothing else is, and no disclosure is recorded twice.
 *
 * It runs the built relay (`npm run build`, dist/) as a real child process, on a broker of its
 * own (start-kafka.sh on FAULT_KAFKA_PORT, default 19092) so restarting it disturbs no one else.
 */
const ROOT = resolve(__dirname, '..', '..');
const KAFKA_SH = join(ROOT, 'deploy', 'kafka', 'start-kafka.sh');
const PORT = Number(process.env.FAULT_KAFKA_PORT ?? 19092);
const KAFKA_ENV = { ...process.env, KAFKA_PORT: String(PORT), KAFKA_CONTROLLER_PORT: String(PORT + 1), KAFKA_RUN_DIR: join(tmpdir(), `samhandling-fault-kafka-${PORT}`) };
const KILLS = Number(process.env.FAULT_KILLS ?? 22);
const PEOPLE = 80;
const run = promisify(execFile);

describe('relay fault tolerance: SIGKILL at random points, one broker restart', () => {
  const schema = uniqueSchema('fault');
  const logFile = join(mkdtempSync(join(tmpdir(), 'relay-fault-')), 'relay.log');
  const agencies = JSON.parse(readFileSync(join(ROOT, 'config', 'agencies.json'), 'utf8')) as AgencyRef[];
  let url: string;
  let store: SqlEventStore;

  beforeAll(async () => {
    url = await postgresUrl();
    await run('npm', ['run', 'build', '--silent'], { cwd: ROOT });
    await run(KAFKA_SH, ['stop'], { env: KAFKA_ENV }).catch(() => undefined);
    await run(KAFKA_SH, ['start'], { env: KAFKA_ENV });
    store = await SqlEventStore.create(new PgSqlClient(url), { schema });
  }, 180_000);

  afterAll(async () => {
    await run(KAFKA_SH, ['stop'], { env: KAFKA_ENV }).catch(() => undefined);
    await store?.sqlClient.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await store?.close();
  }, 60_000);

  const startRelay = (): ChildProcess => {
    const child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', 'dist/apps/relay/src/main.js'], {
      cwd: ROOT,
      env: {
        ...process.env, TS_NODE_BASEURL: './dist', DATABASE_URL: url, DATABASE_SCHEMA: schema, KAFKA_BROKERS: `127.0.0.1:${PORT}`,
        RELAY_BATCH_SIZE: '10', KAFKAJS_NO_PARTITIONER_WARNING: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => appendFileSync(logFile, chunk);
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    return child;
  };
  const exited = (child: ChildProcess) => new Promise<number | null>((r) => (child.exitCode !== null || child.signalCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));
  const checkpoint = async () => Number((await store.sqlClient.query<{ position: string }>(`SELECT position FROM ${schema}.checkpoints WHERE name = 'relay'`))[0]?.position ?? 0);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('delivers every entitled event at least once and records every disclosure exactly once', async () => {
    // Appends at ~25 events/s in the background for the whole kill phase.
    const script = interleave(Array.from({ length: PEOPLE }, () => personScript()));
    let appended = 0;
    const writer = (async () => {
      for (const next of script) {
        const { streamId, event } = next();
        await store.append(streamId, [event]);
        appended++;
        await sleep(40);
      }
    })();

    const checkpoints: number[] = [];
    let betweenRecordAndCheckpoint = 0;
    for (let kill = 1; kill <= KILLS; kill++) {
      const child = startRelay();
      if (kill === Math.floor(KILLS / 2)) {
        // The broker goes down under a running relay, mid-stream, and comes back with its data.
        await sleep(1_500);
        await run(KAFKA_SH, ['restart-keep'], { env: KAFKA_ENV });
        await sleep(1_500);
      }
      await sleep(150 + Math.random() * 1_600);
      child.kill('SIGKILL');
      await exited(child);
      const at = await checkpoint();
      checkpoints.push(at);
      // Feed rows past the checkpoint: this kill fell after the records' commit, before the checkpoint.
      const [{ n }] = await store.sqlClient.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.deliveries WHERE position > $1`, [at]).catch(() => [{ n: '0' }]);
      if (Number(n) > 0) betweenRecordAndCheckpoint++;
    }
    await writer;
    const last = (await store.readAll({ after: 0, limit: 1_000_000 })).at(-1)!.position;

    const final = startRelay();
    await new Promise<void>((ready) => final.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('] running (') && ready()));
    for (const deadline = Date.now() + 120_000; (await checkpoint()) < last; await sleep(200)) {
      if (Date.now() > deadline) throw new Error(`the relay did not catch up (at ${await checkpoint()} of ${last}); see ${logFile}`);
    }
    final.kill('SIGTERM');
    expect(await exited(final)).toBe(0);
    console.log(`relay fault test: ${KILLS} kills, checkpoints ${checkpoints.join(',')}; ${betweenRecordAndCheckpoint} kills between recording and checkpoint; ${appended} events; log ${logFile}`);
    expect(new Set(checkpoints).size).toBeGreaterThan(5); // the kills landed at many points of the stream
    expect(readFileSync(logFile, 'utf8')).toMatch(/ECONNREFUSED/); // a running relay saw the broker go away

    // What the policy entitles, decided afresh over the whole log.
    const events: RecordedEvent[] = await store.readAll({ after: 0, limit: 1_000_000 });
    const plan = planBatch(events, { tracker: new PolicyTracker(), recipients: new Recipients(loadCatalog(join(ROOT, 'libs', 'policy', 'catalog')), agencies), agencies, channel: 'kafka' });
    const pair = (eventId: string, agency: string) => `${eventId} ${agency}`;
    const entitled = new Set(plan.deliveries.map((d) => pair(d.eventId, d.agency)));

    const kafka = createKafka({ brokers: [`127.0.0.1:${PORT}`], clientId: 'relay-fault-check' });
    const ours = new Set(events.map((e) => e.id));
    const seen = new Set<string>();
    const received = await consumeAll(kafka, topicsOf(agencies), (r) => {
      const m = r[r.length - 1];
      if (ours.has(m.envelope.id)) seen.add(pair(m.envelope.id, m.topic.slice('samhandling.'.length, -'.v1'.length)));
      return seen.size >= entitled.size;
    }, { timeoutMs: 90_000 });
    const missing = [...entitled].filter((p) => !seen.has(p));
    const unexpected = [...seen].filter((p) => !entitled.has(p));
    expect({ missing, unexpected }).toEqual({ missing: [], unexpected: [] });
    console.log(`relay fault test: ${entitled.size} entitled deliveries, ${received.length} messages received (${received.length - entitled.size} re-deliveries)`);

    const log = DisclosureLog.attach(store.sqlClient, schema);
    const duplicates = await store.sqlClient.query(
      `SELECT record->'eventIds'->>0 AS event_id, recipient, count(*) AS n FROM ${schema}.disclosures GROUP BY 1, 2 HAVING count(*) > 1`,
    );
    expect(duplicates).toEqual([]);
    const recorded = await store.sqlClient.query<{ event_id: string; recipient: string }>(`SELECT record->'eventIds'->>0 AS event_id, recipient FROM ${schema}.disclosures`);
    expect(new Set(recorded.map((r) => pair(r.event_id, r.recipient)))).toEqual(new Set(plan.disclosures.map((d) => pair(d.eventIds![0], d.recipient.agency))));
    expect(await log.verify()).toMatchObject({ ok: true, records: plan.disclosures.length });
    const feedRows = await store.sqlClient.query<{ event_id: string; agency: string }>(`SELECT event_id, agency FROM ${schema}.deliveries`);
    expect(feedRows).toHaveLength(entitled.size);
    expect(new Set(feedRows.map((r) => pair(r.event_id, r.agency)))).toEqual(entitled);
  }, 300_000);
});
