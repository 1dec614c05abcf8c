import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DisclosureLog } from '@samhandling/audit';
import { PgSqlClient, SqlEventStore, type RecordedEvent } from '@samhandling/event-store';
import { agencyTopic, createKafka, ensureTopics } from '@samhandling/messaging';
import { loadCatalog } from '@samhandling/policy';
import { kafkaBrokers, postgresUrl, uniqueSchema } from '../../libs/testing/src/services';
import { planBatch } from '../../libs/messaging/src/relay/batch-plan';
import { PolicyTracker } from '../../libs/messaging/src/relay/policy-tracker';
import { Recipients } from '../../libs/messaging/src/relay/recipients';
import { consumeAll, prefixedDirectory } from '../../libs/messaging/src/relay/testing/relay-fixture';
import { interleave, personScript } from '../../libs/messaging/src/relay/testing/workload';

/**
 * Three relay instances share the log's partitions (RELAY_PARTITIONS=6) on PostgreSQL and the
 * real broker, while events are appended. One of them at a time is SIGKILLed at random; the other
 * two must take its partitions over and deliver past the head at the kill within 10 s, and a new
 * instance then joins (the partitions are rebalanced again). Afterwards every delivery the policy
 * entitles is on Kafka and in the feed, nothing else is, each person's events reached each topic
 * in log order, no disclosure is recorded twice, and the one chain verifies.
 */
const ROOT = resolve(__dirname, '..', '..');
const PARTITIONS = 6;
const KILLS = Number(process.env.FAULT_PARTITION_KILLS ?? 6);
const TAKEOVER_MS = 10_000;
const PEOPLE = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('relay partitions: three instances, SIGKILLed at random, take each other\'s partitions over', () => {
  const prefix = `p${randomUUID().slice(0, 6)}`;
  const directory = prefixedDirectory(prefix);
  const schema = uniqueSchema('partitions');
  const logDir = mkdtempSync(join(tmpdir(), 'relay-partitions-'));
  const logFile = join(logDir, 'relays.log');
  const directoryFile = join(logDir, 'agencies.json');
  let url: string;
  let brokers: string[];
  let store: SqlEventStore;

  beforeAll(async () => {
    url = await postgresUrl();
    brokers = await kafkaBrokers();
    writeFileSync(directoryFile, JSON.stringify(directory.agencies.map((a) => ({ ...a, name: a.id }))));
    await ensureTopics(createKafka({ brokers, clientId: 'relay-partitions-setup' }), directory.agencies.map((a) => agencyTopic(a.id)), { partitions: 3 });
    store = await SqlEventStore.create(new PgSqlClient(url), { schema });
  }, 120_000);

  afterAll(async () => {
    for (const child of instances) child.kill('SIGKILL');
    await store?.sqlClient.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_keys CASCADE`).catch(() => undefined);
    await store?.close();
  }, 60_000);

  const instances: ChildProcess[] = [];
  const startInstance = (): ChildProcess => {
    const child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', 'dist/apps/relay/src/main.js'], {
      cwd: ROOT,
      env: {
        ...process.env, TS_NODE_BASEURL: './dist', DATABASE_URL: url, DATABASE_SCHEMA: schema, KAFKA_BROKERS: brokers.join(','), AGENCY_DIRECTORY: directoryFile,
        RELAY_PARTITIONS: String(PARTITIONS), RELAY_BATCH_SIZE: '10', RELAY_HTTP_PORT: '0', KAFKAJS_NO_PARTITIONER_WARNING: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => appendFileSync(logFile, chunk);
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    instances.push(child);
    return child;
  };
  const exited = (child: ChildProcess) => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
  const head = async () => Number((await store.sqlClient.query<{ position: string | null }>(`SELECT max(position) AS position FROM ${schema}.events`))[0]?.position ?? 0);
  /** The lowest partition checkpoint, and how many partitions have one. */
  const partitionCheckpoints = async () => {
    const rows = await store.sqlClient.query<{ position: string }>(`SELECT position FROM ${schema}.checkpoints WHERE name LIKE $1`, [`relay:p%/${PARTITIONS}`]).catch(() => []);
    return { started: rows.length, lowest: rows.length === 0 ? 0 : Math.min(...rows.map((r) => Number(r.position))) };
  };
  const allPast = async (position: number, deadlineMs: number, what: string): Promise<number> => {
    const t0 = Date.now();
    for (;;) {
      const { started, lowest } = await partitionCheckpoints();
      if (started === PARTITIONS && lowest >= position) return Date.now() - t0;
      if (Date.now() - t0 > deadlineMs) throw new Error(`${what}: ${started} partitions started, lowest checkpoint ${lowest} < ${position} after ${deadlineMs} ms; see ${logFile}`);
      await sleep(50);
    }
  };

  it('takes a dead instance\'s partitions over within 10 s, loses no delivery and records no disclosure twice', async () => {
    for (let i = 0; i < 3; i++) startInstance();
    await allPast(0, 60_000, 'the first start');

    const script = interleave(Array.from({ length: PEOPLE }, () => personScript(directory.id)));
    let appended = 0;
    const writer = (async () => {
      for (const next of script) {
        const { streamId, event } = next();
        await store.append(streamId, [event]);
        appended++;
        await sleep(25);
      }
    })();

    const takeovers: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      await sleep(1_000 + Math.random() * 2_000);
      const alive = instances.filter((c) => c.exitCode === null && c.signalCode === null);
      const victim = alive[Math.floor(Math.random() * alive.length)];
      victim.kill('SIGKILL');
      const killedAt = Date.now();
      await exited(victim);
      // Events appended after the kill: every partition's checkpoint must pass them, the dead one's
      // included, which only a survivor that took them over can do.
      const target = (await head()) + 3;
      while ((await head()) < target) {
        if (appended === script.length) await store.append(`filler-${randomUUID()}`, [{ id: randomUUID(), type: 'Filler', data: {} }]);
        else await sleep(20);
      }
      await allPast(target, TAKEOVER_MS, `takeover after kill ${kill + 1}`);
      takeovers.push(Date.now() - killedAt);
      startInstance();
    }
    await writer;
    const last = await head();
    await allPast(last, 120_000, 'the final catch-up');
    console.log(`relay partitions fault test: ${KILLS} kills, kill → every partition past events appended after it: ${takeovers.map((ms) => `${ms} ms`).join(', ')}; ${appended} events; log ${logFile}`);
    expect(Math.max(...takeovers)).toBeLessThanOrEqual(TAKEOVER_MS);
    // The partitions did move: 6 taken at the start, and again after each kill (by survivors) and each join.
    const taken = (readFileSync(logFile, 'utf8').match(/took partition/g) ?? []).length;
    expect(taken).toBeGreaterThanOrEqual(PARTITIONS + KILLS);

    // What the policy entitles, decided afresh over the whole log.
    const events: RecordedEvent[] = await store.readAll({ after: 0, limit: 1_000_000 });
    const plan = planBatch(events, { tracker: new PolicyTracker(), recipients: new Recipients(loadCatalog(join(ROOT, 'libs', 'policy', 'catalog')), directory.agencies), agencies: directory.agencies, channel: 'kafka' });
    const pair = (eventId: string, agency: string) => `${eventId} ${agency}`;
    const entitled = new Set(plan.deliveries.map((d) => pair(d.eventId, d.agency)));
    const topics = directory.agencies.map((a) => agencyTopic(a.id));
    const seen = new Set<string>();
    const received = await consumeAll(createKafka({ brokers, clientId: 'relay-partitions-check' }), topics, (r) => {
      const m = r[r.length - 1];
      seen.add(pair(m.envelope.id, m.topic.slice('samhandling.'.length, -'.v1'.length)));
      return seen.size >= entitled.size;
    }, { timeoutMs: 90_000 });
    expect({ missing: [...entitled].filter((p) => !seen.has(p)), unexpected: [...seen].filter((p) => !entitled.has(p)) }).toEqual({ missing: [], unexpected: [] });

    // Per person and topic, the first arrival of each event follows the log (a re-delivery may repeat one, never overtake).
    const firsts = new Map<string, number[]>();
    const counted = new Set<string>();
    for (const m of received) {
      const id = `${m.topic} ${m.envelope.id}`;
      if (counted.has(id)) continue;
      counted.add(id);
      const key = `${m.topic} ${m.envelope.subject}`;
      firsts.set(key, [...(firsts.get(key) ?? []), m.envelope.logposition]);
    }
    const outOfOrder = [...firsts].filter(([, positions]) => positions.some((p, i) => i > 0 && p < positions[i - 1]));
    expect(outOfOrder).toEqual([]);

    const duplicates = await store.sqlClient.query(`SELECT record->'eventIds'->>0 AS event_id, recipient, count(*) AS n FROM ${schema}.disclosures GROUP BY 1, 2 HAVING count(*) > 1`);
    expect(duplicates).toEqual([]);
    const recorded = await store.sqlClient.query<{ event_id: string; recipient: string }>(`SELECT record->'eventIds'->>0 AS event_id, recipient FROM ${schema}.disclosures`);
    expect(new Set(recorded.map((r) => pair(r.event_id, r.recipient)))).toEqual(new Set(plan.disclosures.map((d) => pair(d.eventIds![0], d.recipient.agency))));
    expect(await DisclosureLog.attach(store.sqlClient, schema).verify()).toMatchObject({ ok: true, records: plan.disclosures.length });
    const feedRows = await store.sqlClient.query<{ event_id: string; agency: string }>(`SELECT e.event_id, d.agency FROM ${schema}.deliveries d JOIN ${schema}.events e ON e.position = d.position`);
    expect(feedRows).toHaveLength(entitled.size);
    expect(new Set(feedRows.map((r) => pair(r.event_id, r.agency)))).toEqual(entitled);

    const alive = instances.filter((c) => c.exitCode === null && c.signalCode === null);
    for (const child of alive) child.kill('SIGTERM');
    await Promise.all(alive.map(exited));
    expect(alive.map((c) => c.exitCode)).toEqual(alive.map(() => 0));
  }, 300_000);
});
