import { randomUUID } from 'node:crypto';
import { PgliteSqlClient } from '@samhandling/event-store';
import { rebuildProjection, runProjectionConsumer, type RebuildProgress, type TopicProjection } from '../src';
import { envelope } from './support/topic-fixture';

/** A feed of `events` at cursors 10, 20, 30, …, served `limit` at a time; `failAfter` pages answer, then the network goes. */
function fakeFeed(events: object[], options: { failAfter?: number } = {}) {
  let served = 0;
  const fetch = (async (input: URL | string) => {
    const url = new URL(String(input));
    if (options.failAfter !== undefined && served >= options.failAfter) throw new TypeError('fetch failed');
    served++;
    const after = Number(url.searchParams.get('after'));
    const limit = Number(url.searchParams.get('limit'));
    const page = events.map((e, i) => ({ e, cursor: (i + 1) * 10 })).filter((x) => x.cursor > after).slice(0, limit);
    const body = { events: page.map((x) => x.e), nextCursor: page.at(-1)?.cursor ?? after, head: events.length * 10 };
    return new Response(JSON.stringify(body), { status: 200 });
  }) as typeof globalThis.fetch;
  return { url: 'http://backbone', token: 'T', fetch, pageSize: 2 };
}

const counted: TopicProjection = {
  name: 'counted',
  setup: async (tx) => void (await tx.query('CREATE TABLE IF NOT EXISTS seen (event_id uuid PRIMARY KEY, subject uuid NOT NULL)')),
  apply: async (tx, event) => void (await tx.query('INSERT INTO seen VALUES ($1, $2)', [event.id, event.subject])),
};

describe('rebuildProjection (PGlite, a feed served in pages)', () => {
  let sql: PgliteSqlClient;
  beforeEach(async () => {
    sql = await PgliteSqlClient.open('memory://');
  });
  afterEach(() => sql.close());

  const events = Array.from({ length: 7 }, () => envelope('ContactRecorded', { subjectId: randomUUID(), contactId: randomUUID() }));
  const seen = async (schema: string) => (await sql.query<{ event_id: string }>(`SELECT event_id FROM ${schema}.seen ORDER BY event_id`)).map((r) => r.event_id);
  const ids = events.map((e) => e.id).sort();

  it('builds beside the live tables, swaps them in with the Kafka offsets carried over, and reports progress', async () => {
    // Live: a broken projection that saw two events, with a Kafka consumer's offsets.
    await sql.query('CREATE SCHEMA live');
    await sql.query('CREATE TABLE live.seen (event_id uuid PRIMARY KEY, subject uuid NOT NULL)');
    await sql.query('CREATE TABLE live.samhandling_consumer_offsets (consumer text, topic text, partition integer, next_offset bigint, updated_at timestamptz DEFAULT now(), PRIMARY KEY (consumer, topic, partition))');
    await sql.query(`INSERT INTO live.samhandling_consumer_offsets (consumer, topic, partition, next_offset) VALUES ('counted', 'samhandling.oslo-health.v1', 0, 42)`);
    const steps: RebuildProgress[] = [];
    const result = await rebuildProjection({ feed: fakeFeed(events), sql, schema: 'live', projection: counted, progress: (p) => steps.push(p), log: () => undefined });

    expect(result).toEqual({ applied: 7, duplicates: 0, rejected: 0, cursor: 70, resumed: false });
    expect(await seen('live')).toEqual(ids);
    expect(await sql.query(`SELECT topic, partition, next_offset::int AS n FROM live.samhandling_consumer_offsets ORDER BY topic`)).toEqual([
      { topic: 'feed', partition: 0, n: 70 }, { topic: 'samhandling.oslo-health.v1', partition: 0, n: 42 },
    ]);
    expect(await sql.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'live_%'`)).toEqual([]);
    expect(steps.map((s) => s.cursor)).toEqual([20, 40, 60, 70, 70]); // a step per page, and one when swapped in
    expect(steps.every((s) => s.head === 70)).toBe(true);
  });

  it('resumes an interrupted rebuild from its cursor, applying nothing twice', async () => {
    await expect(rebuildProjection({ feed: fakeFeed(events, { failAfter: 2 }), sql, schema: 'live', projection: counted, progress: false, log: () => undefined })).rejects.toThrow('fetch failed');
    expect(await seen('live_next')).toHaveLength(4); // two pages of two
    const result = await rebuildProjection({ feed: fakeFeed(events), sql, schema: 'live', projection: counted, progress: false, log: () => undefined });
    expect(result).toMatchObject({ applied: 3, resumed: true, cursor: 70 });
    expect(await seen('live')).toEqual(ids);
  });

  it('then a feed consumer reads on from the rebuilt cursor', async () => {
    await rebuildProjection({ feed: fakeFeed(events.slice(0, 4)), sql, schema: 'live', projection: counted, progress: false, log: () => undefined });
    const consumer = await runProjectionConsumer({ source: { kind: 'feed', ...fakeFeed(events), waitSeconds: 0 }, sql, schema: 'live', projection: counted, log: () => undefined });
    const deadline = Date.now() + 10_000;
    while ((await seen('live')).length < 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await consumer.stop();
    expect(await seen('live')).toEqual(ids);
    expect(consumer.stats).toMatchObject({ applied: 3, duplicates: 0 });
  });

  it('refuses a schema it would take from others: public, or one other consumers keep', async () => {
    await expect(rebuildProjection({ feed: fakeFeed(events), sql, schema: 'public', projection: counted })).rejects.toThrow('a schema of its own, not public');
    await sql.query('CREATE SCHEMA shared');
    await sql.query('CREATE TABLE shared.samhandling_consumer_offsets (consumer text, topic text, partition integer, next_offset bigint)');
    await sql.query(`INSERT INTO shared.samhandling_consumer_offsets VALUES ('someone-else', 'feed', 0, 5)`);
    await expect(rebuildProjection({ feed: fakeFeed(events), sql, schema: 'shared', projection: counted })).rejects.toThrow('also holds the consumers someone-else');
  });
});
