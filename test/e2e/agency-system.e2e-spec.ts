import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { createKafka } from '../../libs/messaging/src/kafka-client';
import { agencyTopic } from '../../libs/messaging/src/topics';
import { kafkaBrokers, postgresUrl, uniqueSchema } from '../../libs/testing/src/services';
import { Client, freePort, Installation, ROOT, RunningApp, waitUntil } from './support/apps';

const run = promisify(execFile);
const API = join('dist', 'apps', 'api', 'src', 'main.js');
const RELAY = join('dist', 'apps', 'relay', 'src', 'main.js');

/**
 * examples/agency-system, as an agency would run it: copied out of the repository, with
 * @samhandling/agency-kit installed from the tarball `npm pack` makes (no path alias), compiled
 * against its types, and run against the real broker and the HTTP feed of running apps.
 */
describe('an agency system built on the packed agency kit, outside the repository', () => {
  const installation = new Installation(`k${randomUUID().slice(0, 6)}`);
  const apiSchema = uniqueSchema('kit_api');
  const tables = uniqueSchema('agency_system');
  const outside = mkdtempSync(join(tmpdir(), 'agency-system-'));
  const agency = 'oslo-health';
  let api: RunningApp;
  let relay: RunningApp;
  let client: Client;
  let pool: Pool;
  let env: NodeJS.ProcessEnv;
  let brokers: string[];

  beforeAll(async () => {
    const databaseUrl = await postgresUrl();
    brokers = await kafkaBrokers();
    const port = await freePort();
    const appEnv = installation.env({
      DATABASE_URL: databaseUrl, DATABASE_SCHEMA: apiSchema, KAFKA_BROKERS: brokers.join(','), PORT: String(port), RELAY_TOPIC_PARTITIONS: '1',
      INBOX_GROUP_ID: `e2e-inbox-${installation.prefix}`,
    });
    api = RunningApp.start('api', API, appEnv);
    relay = RunningApp.start('relay', RELAY, appEnv);
    client = new Client(`http://127.0.0.1:${port}`, installation);
    pool = new Pool({ connectionString: databaseUrl, max: 3 });

    // What an integrator does: pack the kit, install the tarball beside their code, compile.
    const { stdout } = await run(process.execPath, [join(ROOT, 'scripts', 'pack-kit.js'), join(outside, 'vendor')], { cwd: ROOT });
    expect(stdout.trim()).toBe(join(outside, 'vendor', 'samhandling-agency-kit-0.2.0.tgz'));
    for (const part of ['package.json', 'tsconfig.json', 'src']) cpSync(join(ROOT, 'examples', 'agency-system', part), join(outside, part), { recursive: true });
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: outside });
    await run('npm', ['run', 'build'], { cwd: outside });

    await waitUntil('the API to answer /health', async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined), 90_000, [api, relay]);
    await waitUntil('the relay to create the agency topic', async () => {
      const admin = createKafka({ brokers, clientId: 'kit-e2e-topics' }).admin();
      await admin.connect();
      try {
        return (await admin.listTopics()).includes(agencyTopic(installation.id(agency))) ? true : undefined;
      } finally {
        await admin.disconnect();
      }
    }, 60_000, [api, relay]);
    env = {
      ...process.env, SAMHANDLING_URL: `http://127.0.0.1:${port}`, SAMHANDLING_TOKEN: await installation.token(agency),
      AGENCY: installation.id(agency), KAFKA_BROKERS: brokers.join(','), DATABASE_URL: databaseUrl, DATABASE_SCHEMA: tables,
    };
  }, 300_000);

  afterAll(async () => {
    await api?.stop();
    await relay?.stop();
    const admin = createKafka({ brokers, clientId: 'kit-e2e-cleanup' }).admin();
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.includes(`.${installation.prefix}-`));
    await admin.deleteTopics({ topics: mine }).catch(() => undefined);
    await admin.disconnect();
    for (const schema of [apiSchema, `${apiSchema}_keys`, tables, `${tables}_next`]) await pool?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool?.end();
    installation.remove();
    rmSync(outside, { recursive: true, force: true });
  }, 60_000);

  /** The example's command, to its end. */
  const example = async (...args: string[]) => run(process.execPath, ['dist/main.js', ...args], { cwd: outside, env });
  /** `sync`, running until stopped. */
  const startSync = (source: 'kafka' | 'feed') => {
    const child = spawn(process.execPath, ['dist/main.js', 'sync', '--source', source], { cwd: outside, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    return { child, log: () => log };
  };
  const stopSync = async (sync: { child: ChildProcess; log(): string }) => {
    const exited = new Promise<number | null>((resolve) => sync.child.once('exit', resolve));
    sync.child.kill('SIGTERM');
    expect([await exited, sync.log()]).toEqual([0, expect.stringContaining('stopped')]);
  };
  /** Every event the feed holds for the agency about the person: what the tables must reflect, each once. */
  const entitled = async (subjectId: string) => {
    const events: Array<{ id: string; type: string }> = [];
    for (let after = 0; ;) {
      const page = await client.get(`/feed?after=${after}&limit=500`, agency);
      events.push(...page.body.events.filter((e: { subject: string }) => e.subject === subjectId));
      if (page.body.events.length === 0) return events;
      after = page.body.nextCursor;
    }
  };
  const tablesState = async (subjectId: string) => {
    const [people] = (await pool.query(`SELECT events_received FROM ${tables}.people WHERE subject_id = $1`, [subjectId]).catch(() => ({ rows: [] }))).rows;
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${tables}.contacts WHERE subject_id = $1`, [subjectId]).catch(() => ({ rows: [{ n: -1 }] }));
    return { events: people?.events_received ?? 0, contacts: rows[0].n };
  };
  const expected = async (subjectId: string) => {
    const events = await entitled(subjectId);
    return { events: events.length, contacts: events.filter((e) => e.type === 'no.samhandling.ContactRecorded.v1').length };
  };
  /** Waits until the tables hold exactly what the feed entitles (and a little longer would not change it). */
  const inSync = async (subjectId: string, apps: RunningApp[]) => {
    const want = await expected(subjectId);
    await waitUntil(`the tables to hold ${JSON.stringify(want)}`, async () => {
      const have = await tablesState(subjectId);
      return have.events === want.events && have.contacts === want.contacts ? have : undefined;
    }, 60_000, apps);
    return want;
  };
  const contact = (summary: string) => ({
    contactId: randomUUID(), occurredAt: new Date().toISOString(), channel: 'in_person', categories: ['contact_log'], summary, concerns: [], interpreterUsed: false,
  });

  it('syncs from Kafka, then from the feed, sends commands, and rebuilds from zero after retention dropped old messages', async () => {
    const subjectId = randomUUID();
    await client.command('/subjects', 'udi', { subjectId, givenName: 'Amina', familyName: 'Haile', birthDate: '1990-04-12' });
    for (const summary of ['First visit', 'Second visit', 'Third visit']) await client.command(`/subjects/${subjectId}/contacts`, agency, contact(summary));

    // 1. From the agency's Kafka topic.
    const kafkaSync = startSync('kafka');
    const first = await inSync(subjectId, [api, relay]);
    expect(first.contacts).toBe(3);
    await stopSync(kafkaSync);

    // 2. Commands with the kit's client, over HTTP and over the inbox topic; a stale If-Match is a typed ConflictError.
    const sent = JSON.parse((await example('record-contact', subjectId)).stdout) as { events: Array<{ type: string }>; replayed: boolean; nextRevision: number };
    expect(sent).toMatchObject({ events: [{ type: 'ContactRecorded' }], replayed: false, nextRevision: 0 });
    // A new contact's stream does not exist yet: If-Match 0 is stale.
    const stale = await example('record-contact', subjectId, '--if-match', '0').then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect([stale?.code, stale?.stderr]).toEqual([3, expect.stringMatching(/ConflictError \S+ \(HTTP 409\)/)]);
    await example('record-contact', subjectId, '--via', 'inbox');

    // 3. From the HTTP feed, into the same tables: what Kafka already brought is not applied again.
    const feedSync = startSync('feed');
    expect((await inSync(subjectId, [api, relay])).contacts).toBe(5);
    await stopSync(feedSync);

    // 4. The topic keeps messages for a second only: the old ones go, Kafka can no longer replay them.
    const admin = createKafka({ brokers, clientId: 'kit-e2e-retention' }).admin();
    await admin.connect();
    const topic = agencyTopic(installation.id(agency));
    try {
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topic, configEntries: [{ name: 'retention.ms', value: '1000' }, { name: 'segment.ms', value: '500' }] }] });
      // Each new message rolls the segment once segment.ms has passed; the broker then deletes the closed ones.
      await waitUntil('retention to drop the topic\'s oldest messages', async () => {
        await client.command(`/subjects/${subjectId}/contacts`, agency, contact('Later visit'));
        const [partition] = await admin.fetchTopicOffsets(topic);
        return Number(partition.low) > 0 ? partition : undefined;
      }, 90_000, [api, relay]);
    } finally {
      await admin.disconnect();
    }
    const all = await expected(subjectId);

    // 5. Rebuild from zero from the feed, blue/green: a reader sees the old tables or the new, never a half-built one.
    await pool.query(`DELETE FROM ${tables}.contacts WHERE subject_id = $1 AND summary = 'First visit'`, [subjectId]); // a damaged projection
    const before = (await tablesState(subjectId)).contacts;
    const seen = new Set<string>();
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const r = await pool.query(`SELECT count(*)::int AS n FROM ${tables}.contacts WHERE subject_id = $1`, [subjectId]).then((x) => String(x.rows[0].n), (e: Error) => e.message);
        seen.add(r);
      }
    })();
    const rebuilt = await example('rebuild');
    reading = false;
    await reader;
    const result = JSON.parse(rebuilt.stdout) as { applied: number; resumed: boolean };
    expect(result.resumed).toBe(false);
    expect(result.applied).toBeGreaterThanOrEqual(all.events);
    expect(rebuilt.stderr).toMatch(/rebuild \[.*\] 100%/);
    expect(await tablesState(subjectId)).toEqual(all);
    expect([...seen].every((n) => n === String(before) || n === String(all.contacts))).toBe(true);
    expect((await pool.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [`${tables}_next`])).rows).toEqual([]);

    // 6. Kafka takes over again from the offsets the rebuild carried over: only what is new is applied.
    const again = startSync('kafka');
    await example('record-contact', subjectId);
    expect(await inSync(subjectId, [api, relay])).toEqual({ events: all.events + 1, contacts: all.contacts + 1 });
    await stopSync(again);
  }, 420_000);
});
