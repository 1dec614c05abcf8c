import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DisclosureLog } from '@samhandling/audit';
import { PgSqlClient, SqlEventStore, type RecordedEvent } from '@samhandling/event-store';
import { agencyTopic, createKafka, ensureTopics } from '@samhandling/messaging';
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
 * Meanwhile agency systems keep their own tables with the consumer helper — the integrators'
 * example (examples/postgres-table-sync), itself SIGKILLed now and then. Although Kafka holds
 * re-deliveries, their tables end up with each entitled event exactly once.
 *
 * It runs the built relay (`npm run build`, dist/) and the compiled example as real child
 * processes, on a broker of its own (start-kafka.sh on FAULT_KAFKA_PORT, default 19092) so
 * restarting it disturbs no one else.
 */
const ROOT = resolve(__dirname, '..', '..');
const KAFKA_SH = join(ROOT, 'deploy', 'kafka', 'start-kafka.sh');
const PORT = Number(process.env.FAULT_KAFKA_PORT ?? 19092);
const KAFKA_ENV = { ...process.env, KAFKA_PORT: String(PORT), KAFKA_CONTROLLER_PORT: String(PORT + 1), KAFKA_RUN_DIR: join(tmpdir(), `samhandling-fault-kafka-${PORT}`) };
const KILLS = Number(process.env.FAULT_KILLS ?? 22);
/** How long a relay may take to start and relay a batch before it is killed anyway (a loaded 2-core machine takes seconds). */
const PROGRESS_DEADLINE_MS = 30_000;
const PEOPLE = 80;
/** Agencies whose systems keep tables from their topics during the faults: one consumer each, in one process. */
const CONSUMING = ['oslo-health', 'oslo-refugee', 'oslo-child-welfare', 'nav-oslo'];
const run = promisify(execFile);

describe('relay fault tolerance: SIGKILL at random points, one broker restart', () => {
  const schema = uniqueSchema('fault');
  const logDir = mkdtempSync(join(tmpdir(), 'relay-fault-'));
  const logFile = join(logDir, 'relay.log');
  const consumerLog = join(logDir, 'table-sync.log');
  const agencies = JSON.parse(readFileSync(join(ROOT, 'config', 'agencies.json'), 'utf8')) as AgencyRef[];
  let url: string;
  let store: SqlEventStore;

  beforeAll(async () => {
    url = await postgresUrl();
    // dist/ (the relay and the compiled example) is built once by the e2e project's global setup.
    await run(KAFKA_SH, ['stop'], { env: KAFKA_ENV }).catch(() => undefined);
    await run(KAFKA_SH, ['start'], { env: KAFKA_ENV });
    // As the relay will (same partitions), so the agency systems can subscribe before its first start.
    await ensureTopics(createKafka({ brokers: [`127.0.0.1:${PORT}`], clientId: 'relay-fault-setup' }), agencies.map((a) => agencyTopic(a.id)), { partitions: 3 });
    store = await SqlEventStore.create(new PgSqlClient(url), { schema });
  }, 180_000);

  afterAll(async () => {
    if (tableSync.child) await tableSync.kill('SIGKILL');
    await run(KAFKA_SH, ['stop'], { env: KAFKA_ENV }).catch(() => undefined);
    await store?.sqlClient.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_keys CASCADE`).catch(() => undefined);
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
  /** The example's process, restarted whenever it ends (as a supervisor would); `restarts` counts exits we did not cause. */
  const tableSync = {
    child: undefined as ChildProcess | undefined,
    restarts: 0,
    start(): void {
      const child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', 'dist/examples/postgres-table-sync/main.js'], {
        cwd: ROOT,
        env: {
          ...process.env, TS_NODE_BASEURL: './dist', DATABASE_URL: url, DATABASE_SCHEMA: schema, KAFKA_BROKERS: `127.0.0.1:${PORT}`,
          AGENCY: CONSUMING.join(','), KAFKA_SESSION_TIMEOUT_MS: '6000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const keep = (chunk: Buffer) => appendFileSync(consumerLog, chunk);
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      child.once('exit', () => {
        if (this.child !== child) return;
        this.restarts++;
        setTimeout(() => this.child === child && this.start(), 500);
      });
      this.child = child;
    },
    async kill(signal: NodeJS.Signals): Promise<number | null> {
      const child = this.child!;
      this.child = undefined;
      child.kill(signal);
      return exited(child);
    },
  };
  /** Whether the killed table-sync had committed batches to its database that Kafka's group offsets do not cover yet. */
  const tableSyncAheadOfKafka = async (): Promise<boolean> => {
    const admin = createKafka({ brokers: [`127.0.0.1:${PORT}`], clientId: 'relay-fault-offsets' }).admin();
    await admin.connect();
    try {
      for (const agency of CONSUMING) {
        const [kafka] = await admin.fetchOffsets({ groupId: `${agency}.table-sync`, topics: [agencyTopic(agency)] });
        const stored = await store.sqlClient.query<{ partition: number; next_offset: string }>(
          `SELECT partition, next_offset FROM ${schema}.samhandling_consumer_offsets WHERE consumer = $1`, [`table-sync-${agency}`]).catch(() => []);
        if (stored.some((r) => Number(r.next_offset) > Number(kafka.partitions.find((p) => p.partition === r.partition)?.offset ?? -1))) return true;
      }
      return false;
    } finally {
      await admin.disconnect();
    }
  };
  const exited = (child: ChildProcess) => new Promise<number | null>((r) => (child.exitCode !== null || child.signalCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));
  const head = async () => Number((await store.sqlClient.query<{ position: string | null }>(`SELECT max(position) AS position FROM ${schema}.events`))[0]?.position ?? 0);
  const checkpoint = async () => Number((await store.sqlClient.query<{ position: string }>(`SELECT position FROM ${schema}.checkpoints WHERE name = 'relay'`))[0]?.position ?? 0);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Resolves once the fault broker's port refuses connections: it has stopped. */
  const brokerDown = async (): Promise<void> => {
    const refused = () => new Promise<boolean>((answer) => {
      const socket = createConnection({ host: '127.0.0.1', port: PORT });
      socket.once('connect', () => {
        socket.destroy();
        answer(false);
      }).once('error', () => answer(true));
    });
    for (const deadline = Date.now() + 120_000; !(await refused()); await sleep(100)) {
      if (Date.now() > deadline) throw new Error('the broker did not stop within 120 s');
    }
  };

  it('delivers every entitled event at least once and records every disclosure exactly once', async () => {
    // Appends at ~25 events/s in the background, a share of the script per kill: however slow the
    // machine, each relay has new events to relay, and the writer does not run out before the kills do.
    const script = interleave(Array.from({ length: PEOPLE }, () => personScript()));
    const perKill = Math.ceil(script.length / KILLS);
    let allowed = 0;
    let appended = 0;
    const writer = (async () => {
      for (const next of script) {
        while (appended >= allowed) await sleep(20);
        const { streamId, event } = next();
        await store.append(streamId, [event]);
        appended++;
        await sleep(40);
      }
    })();

    tableSync.start();
    // Far enough apart for the groups to replace the dead member (6 s session), and clear of the broker
    // restart, so the process that runs through it must ride it out by itself.
    const tableSyncKillsAt = new Set([0.2, 0.7, 0.85].map((f) => Math.round(KILLS * f)));
    let tableSyncBetweenCommits = 0;
    const checkpoints: number[] = [];
    let betweenRecordAndCheckpoint = 0;
    let stalls = 0;
    /**
     * Waits until the running relay has checkpointed past `since` — it has started, rebuilt and
     * relayed a batch, however long that takes on a loaded machine — or has relayed all there is.
     * A relay stuck for PROGRESS_DEADLINE_MS is counted, not waited for: the checks below tell.
     */
    const progressed = async (since: number): Promise<void> => {
      for (const deadline = Date.now() + PROGRESS_DEADLINE_MS; ; await sleep(50)) {
        const at = await checkpoint();
        if (at > since || (appended === script.length && at >= (await head()))) return;
        if (Date.now() > deadline) return void stalls++;
      }
    };
    for (let kill = 1; kill <= KILLS; kill++) {
      allowed = kill === KILLS ? script.length : Math.max(allowed, kill * perKill);
      const since = checkpoints.at(-1) ?? 0;
      const child = startRelay();
      if (tableSyncKillsAt.has(kill)) {
        // The agency system dies too, at a moment of its own: mid-batch, between its commit and Kafka's, …
        await sleep(Math.random() * 1_500);
        await tableSync.kill('SIGKILL');
        if (await tableSyncAheadOfKafka()) tableSyncBetweenCommits++;
        tableSync.start();
      }
      if (kill === Math.floor(KILLS / 2)) {
        // The broker goes down under a running relay, mid-stream, and comes back with its data.
        await progressed(since);
        const restarted = run(KAFKA_SH, ['restart-keep'], { env: KAFKA_ENV });
        await brokerDown();
        // Events to deliver while it is away, however long it took to stop: the relay meets it gone.
        const before = await checkpoint();
        allowed = Math.max(allowed, appended + 5);
        await restarted;
        await progressed(before);
      } else if (kill % 4 === 0) {
        // Now and then during start-up or the rebuild, before any batch.
        await sleep(Math.random() * 1_500);
      } else {
        // Otherwise once it relayed something, then a moment later: mid-batch, mid-produce, at the checkpoint, …
        await progressed(since);
        await sleep(Math.random() * 1_000);
      }
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
    await new Promise<void>((ready) => final.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('"msg":"running (') && ready()));
    for (const deadline = Date.now() + 120_000; (await checkpoint()) < last; await sleep(200)) {
      if (Date.now() > deadline) throw new Error(`the relay did not catch up (at ${await checkpoint()} of ${last}); see ${logFile}`);
    }
    final.kill('SIGTERM');
    expect(await exited(final)).toBe(0);
    console.log(`relay fault test: ${KILLS} kills, checkpoints ${checkpoints.join(',')}; ${betweenRecordAndCheckpoint} kills between recording and checkpoint; ${stalls} waits for progress timed out; ${appended} events; log ${logFile}`);
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
    const feedRows = await store.sqlClient.query<{ event_id: string; agency: string }>(`SELECT e.event_id, d.agency FROM ${schema}.deliveries d JOIN ${schema}.events e ON e.position = d.position`);
    expect(feedRows).toHaveLength(entitled.size);
    expect(new Set(feedRows.map((r) => pair(r.event_id, r.agency)))).toEqual(entitled);

    // The agency systems: each entitled event exactly once in their tables, whatever Kafka re-delivered.
    const typeOf = new Map(events.map((e) => [e.id, e.type]));
    const entitledTo = (agency: string) => plan.deliveries.filter((d) => d.agency === agency && ours.has(d.eventId)).map((d) => d.eventId).sort();
    const query = async (sql: string, agency: string) => (await store.sqlClient.query<{ id: string }>(sql, [agency])).map((r) => r.id).sort();
    const processed = (agency: string) => query(`SELECT event_id::text AS id FROM ${schema}.samhandling_processed_events WHERE consumer = 'table-sync-' || $1`, agency);
    for (const deadline = Date.now() + 60_000; ; await sleep(250)) {
      const behind = [];
      for (const agency of CONSUMING) if ((await processed(agency)).length < entitledTo(agency).length) behind.push(agency);
      if (behind.length === 0) break;
      if (Date.now() > deadline) throw new Error(`the agency systems did not catch up (${behind.join(', ')}); see ${consumerLog}`);
    }
    expect(await tableSync.kill('SIGTERM')).toBe(0);
    for (const agency of CONSUMING) {
      const wanted = entitledTo(agency);
      const counted = await store.sqlClient.query<{ n: string }>(`SELECT coalesce(sum(events_received), 0) AS n FROM ${schema}.agency_people WHERE agency = $1`, [agency]);
      const contacts = await query(`SELECT event_id::text AS id FROM ${schema}.agency_contacts WHERE agency = $1`, agency);
      expect({ agency, processed: await processed(agency), applied: Number(counted[0].n), contacts }).toEqual({
        agency, processed: wanted, applied: wanted.length, contacts: wanted.filter((id) => typeOf.get(id) === 'ContactRecorded'),
      });
    }
    expect(await store.sqlClient.query(`SELECT * FROM ${schema}.samhandling_rejected_messages`)).toEqual([]);
    const onTheirTopics = received.filter((m) => CONSUMING.some((a) => m.topic === agencyTopic(a)) && ours.has(m.envelope.id));
    const redelivered = onTheirTopics.length - new Set(onTheirTopics.map((m) => `${m.topic} ${m.envelope.id}`)).size;
    console.log(`relay fault test: table-sync killed ${tableSyncKillsAt.size} times, ${tableSyncBetweenCommits} of them between its commit and Kafka's; ${redelivered} re-deliveries on its topics, each applied once`);
    expect(tableSync.restarts).toBe(0); // it rode out the broker restart on its own (see ${consumerLog})
  }, 480_000);
});
