import { randomUUID } from 'node:crypto';
import { EventIdConflictError, InvalidAppendError, WrongExpectedRevisionError } from '../errors';
import type { EventStore, NewEvent, RecordedEvent } from '../event-store.port';
import type { SqlEventStore } from '../sql/sql-event-store';
import { SqlCheckpointStore } from '../sql/checkpoint-store';
import { subscribeToAll } from '../subscription';

export interface ContractHarness {
  /** The store under test, fresh per test file (its own schema or data directory). */
  store(): SqlEventStore;
  /** Another store over the same database, as a second process would open it. */
  openWriter(): Promise<SqlEventStore>;
  /** Closes and reopens the primary store, as after a process restart. */
  reopen(): Promise<SqlEventStore>;
}

const ev = (type = 'Something', data: Record<string, unknown> = {}): NewEvent => ({ id: randomUUID(), type, data, metadata: { test: true } });
const stream = () => `test-${randomUUID()}`;

/** The behaviour every event store adapter must show; run once per driver. */
export function eventStoreContract(h: ContractHarness): void {
  const store = () => h.store();

  describe('append and read a stream', () => {
    it('appends to a new stream from revision 0 and reads the events back in order', async () => {
      const s = stream();
      const first = await store().append(s, [ev('A', { n: 1 }), ev('B', { n: 2 })], { expectedRevision: 'no_stream' });
      expect(first.nextRevision).toBe(1);
      const second = await store().append(s, [ev('C', { n: 3 })], { expectedRevision: 1 });
      expect(second.nextRevision).toBe(2);
      expect(second.position).toBeGreaterThan(first.position);
      const events = await store().readStream(s);
      expect(events.map((e) => [e.type, e.revision, e.data.n])).toEqual([['A', 0, 1], ['B', 1, 2], ['C', 2, 3]]);
      expect(events[0].metadata).toEqual({ test: true });
      expect(Date.parse(events[0].recordedAt)).not.toBeNaN();
      expect(await store().readStream(s, { fromRevision: 2 })).toHaveLength(1);
    });

    it('returns an empty list for an unknown stream', async () => {
      expect(await store().readStream(stream())).toEqual([]);
    });

    it('refuses a stale expected revision and appends nothing', async () => {
      const s = stream();
      await store().append(s, [ev(), ev()]);
      const attempt = store().append(s, [ev()], { expectedRevision: 0 });
      await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(attempt).rejects.toMatchObject({ code: 'STORE.WRONG_EXPECTED_REVISION', actual: 1, expected: 0 });
      await expect(store().append(s, [ev()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ actual: 1 });
      await expect(store().append(stream(), [ev()], { expectedRevision: 3 })).rejects.toMatchObject({ actual: 'no_stream' });
      expect(await store().readStream(s)).toHaveLength(2);
    });

    it('rejects malformed appends with a clear error and stores nothing', async () => {
      const s = stream();
      const dup = ev();
      const cases: Array<[string, () => Promise<unknown>]> = [
        ['no events', () => store().append(s, [])],
        ['not a uuid', () => store().append(s, [{ ...ev(), id: 'nope' }])],
        ['same id twice', () => store().append(s, [dup, dup])],
        ['empty type', () => store().append(s, [{ ...ev(), type: '' }])],
        ['data not an object', () => store().append(s, [{ ...ev(), data: [] as unknown as Record<string, unknown> }])],
        ['empty stream id', () => store().append('', [ev()])],
        ['negative revision', () => store().append(s, [ev()], { expectedRevision: -2 })],
      ];
      for (const [, attempt] of cases) {
        await expect(attempt()).rejects.toBeInstanceOf(InvalidAppendError);
      }
      expect(await store().readStream(s)).toEqual([]);
    });
  });

  describe('idempotent appends by event id', () => {
    it('treats the same events appended twice as one append and returns the first result', async () => {
      const s = stream();
      const events = [ev('A'), ev('B')];
      const first = await store().append(s, events, { expectedRevision: 'no_stream' });
      const retry = await store().append(s, events, { expectedRevision: 'no_stream' });
      expect(retry).toEqual(first);
      expect(await store().readStream(s)).toHaveLength(2);
    });

    it('deduplicates concurrent retries of the same append', async () => {
      const s = stream();
      const events = [ev('A')];
      const results = await Promise.all([1, 2, 3, 4].map(() => store().append(s, events)));
      expect(new Set(results.map((r) => r.position)).size).toBe(1);
      expect(await store().readStream(s)).toHaveLength(1);
    });

    it('refuses an append that reuses some stored ids, or stored ids on another stream', async () => {
      const s = stream();
      const a = ev('A');
      await store().append(s, [a]);
      await expect(store().append(s, [a, ev('B')])).rejects.toBeInstanceOf(EventIdConflictError);
      await expect(store().append(stream(), [a])).rejects.toBeInstanceOf(EventIdConflictError);
      expect(await store().readStream(s)).toHaveLength(1);
    });

    it('refuses stored ids in another order, replays a stored tail, and matches ids in any letter case', async () => {
      const s = stream();
      const [a, b] = [ev('A'), ev('B')];
      const first = await store().append(s, [{ ...a, id: a.id.toUpperCase() }, b]);
      await expect(store().append(s, [b, a])).rejects.toBeInstanceOf(EventIdConflictError);
      expect(await store().append(s, [b])).toEqual(first); // a tail of a stored append replays
      expect(await store().append(s, [a, b])).toEqual(first);
      await expect(store().append(s, [a, ev('C')])).rejects.toThrow(`Event id ${a.id} was already appended to ${s}; an append is stored whole or not at all`);
      expect((await store().readStream(s)).map((e) => e.id)).toEqual([a.id, b.id]);
    });
  });

  describe('global log', () => {
    it('reads all events in commit order with dense positions, after a checkpoint', async () => {
      const before = await lastPosition(store());
      const s1 = stream();
      const s2 = stream();
      await store().append(s1, [ev('A')]);
      await store().append(s2, [ev('B'), ev('C')]);
      const all = await store().readAll({ after: before, limit: 100 });
      const mine = all.filter((e) => e.streamId === s1 || e.streamId === s2);
      expect(mine.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      expect(isDense(all, before)).toBe(true);
      expect(await store().readAll({ after: before, limit: 1 })).toHaveLength(1);
      const found = await store().readEvent(mine[1].id);
      expect(found).toMatchObject({ type: 'B', streamId: s2, position: mine[1].position });
      expect(await store().readEvent(randomUUID())).toBeUndefined();
    });

    it('keeps events immutable: the database refuses updates and deletes', async () => {
      const s = stream();
      await store().append(s, [ev('A')]);
      const sql = store().sqlClient;
      await expect(sql.query(`UPDATE ${store().schemaName}.events SET type = 'X' WHERE stream_id = $1`, [s])).rejects.toThrow(/immutable/);
      await expect(sql.query(`DELETE FROM ${store().schemaName}.events WHERE stream_id = $1`, [s])).rejects.toThrow(/immutable/);
      expect((await store().readStream(s))[0].type).toBe('A');
    });

    it('keeps acknowledged events across a restart', async () => {
      const s = stream();
      await store().append(s, [ev('Durable')]);
      const reopened = await h.reopen();
      expect((await reopened.readStream(s)).map((e) => e.type)).toEqual(['Durable']);
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of many concurrent writers win each revision of a stream', async () => {
      const s = stream();
      const writers = [store(), await h.openWriter(), await h.openWriter()];
      await store().append(s, [ev('Start')], { expectedRevision: 'no_stream' });
      for (let revision = 0; revision < 5; revision++) {
        const attempts = await Promise.allSettled(
          Array.from({ length: 6 }, (_, i) => writers[i % writers.length].append(s, [ev('Next')], { expectedRevision: revision })),
        );
        const won = attempts.filter((a) => a.status === 'fulfilled');
        const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost.every((l) => l.reason instanceof WrongExpectedRevisionError)).toBe(true);
      }
      expect(await store().readStream(s)).toHaveLength(6);
    });

    it('never lets a tailing reader skip an event while many writers append concurrently', async () => {
      const from = await lastPosition(store());
      const seen: RecordedEvent[] = [];
      const reader = subscribeToAll(store(), { from, batchSize: 37, pollIntervalMs: 5, handle: async (batch) => void seen.push(...batch) });
      const writers = [store(), await h.openWriter(), await h.openWriter(), await h.openWriter()];
      const appended: string[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (let i = 0; i < 40; i++) {
            const batch = i % 3 === 0 ? [ev('X'), ev('Y')] : [ev('X')];
            await writers[w % writers.length].append(`tail-${w}-${i % 5}`, batch);
            appended.push(...batch.map((e) => e.id));
          }
        }),
      );
      const end = await lastPosition(store());
      await reader.reached(end);
      await reader.stop();
      const seenIds = seen.map((e) => e.id);
      expect(new Set(seenIds).size).toBe(seenIds.length);
      expect(seenIds).toEqual(expect.arrayContaining(appended));
      expect(isDense(seen, from)).toBe(true);
    });

    it('commits concurrent single-event appends together (group commit)', async () => {
      const sql = store().sqlClient;
      const original = { query: sql.query.bind(sql), transaction: sql.transaction.bind(sql) };
      let commits = 0;
      sql.query = ((text: string, params?: unknown[]) => {
        if (/append_batch/.test(text)) commits += 1;
        return original.query(text, params);
      }) as typeof sql.query;
      sql.transaction = ((work: Parameters<typeof original.transaction>[0]) => {
        commits += 1;
        return original.transaction(work);
      }) as typeof sql.transaction;
      try {
        await Promise.all(Array.from({ length: 200 }, () => store().append(stream(), [ev()])));
      } finally {
        Object.assign(sql, original);
      }
      expect(commits).toBeGreaterThan(0);
      expect(commits).toBeLessThan(50);
    });

    // Appends made in one tick are committed as one group; each sees the ones queued before it.
    it('decides appends to the same stream within one group in order, by exact revision', async () => {
      const s = stream();
      const before = await lastPosition(store());
      const attempts = await Promise.allSettled([
        store().append(s, [ev('A')], { expectedRevision: 'no_stream' }),
        store().append(s, [ev('B'), ev('C')], { expectedRevision: 0 }),
        store().append(s, [ev('Stale')], { expectedRevision: 0 }),
        store().append(s, [ev('Again')], { expectedRevision: 'no_stream' }),
        store().append(s, [ev('D')], { expectedRevision: 2 }),
        store().append(s, [ev('E')], { expectedRevision: 'any' }),
      ]);
      const value = (i: number) => (attempts[i] as PromiseFulfilledResult<{ nextRevision: number; position: number }>).value;
      const reason = (i: number) => (attempts[i] as PromiseRejectedResult).reason;
      expect(attempts.map((a) => a.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
      expect([0, 1, 4, 5].map((i) => value(i).nextRevision)).toEqual([0, 2, 3, 4]);
      expect(reason(2)).toBeInstanceOf(WrongExpectedRevisionError);
      expect(reason(2)).toMatchObject({ streamId: s, expected: 0, actual: 2, message: `Stream ${s} is at revision 2, but the append expected 0; reload and retry` });
      expect(reason(3)).toMatchObject({ expected: 'no_stream', actual: 2 });
      const events = await store().readStream(s);
      expect(events.map((e) => [e.type, e.revision])).toEqual([['A', 0], ['B', 1], ['C', 2], ['D', 3], ['E', 4]]);
      expect(value(5).position).toBe(events[4].position);
      expect(value(1).position).toBe(events[2].position);
      expect(isDense(await store().readAll({ after: before, limit: 1000 }), before)).toBe(true);
    });

    it('treats ids repeated across appends of one group as stored by the earlier append', async () => {
      const s = stream();
      const [a, b, c] = [ev('A'), ev('B'), ev('C')];
      const attempts = await Promise.allSettled([
        store().append(s, [a, b], { expectedRevision: 'no_stream' }),
        store().append(s, [a, b], { expectedRevision: 'no_stream' }), // a retry: same answer
        store().append(s, [b, c]), // partly stored
        store().append(stream(), [a, b]), // stored on another stream
        store().append(s, [b, a]), // stored, but not as this append
        store().append(s, [c]),
        store().append(s, [c], { expectedRevision: 0 }), // retry of the previous one: no revision check
      ]);
      expect(attempts.map((x) => x.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
      const value = (i: number) => (attempts[i] as PromiseFulfilledResult<unknown>).value;
      const reason = (i: number) => (attempts[i] as PromiseRejectedResult).reason;
      expect(value(1)).toEqual(value(0));
      expect(value(6)).toEqual(value(5));
      expect(value(5)).toMatchObject({ nextRevision: 2 });
      for (const i of [2, 3, 4]) expect(reason(i)).toBeInstanceOf(EventIdConflictError);
      expect(reason(2).message).toBe(`Event id ${b.id} was already appended to ${s}; an append is stored whole or not at all`);
      expect(reason(4).message).toBe(`Events ${b.id}, ${a.id} were stored before, but not as this append to ${s}`);
      expect((await store().readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
    });

    it('decides an id shared by appends to different streams of one group in order, refused or not', async () => {
      const [s1, s2, s3, s4] = [stream(), stream(), stream(), stream()];
      const [a, b] = [ev('A'), ev('B')];
      const attempts = await Promise.allSettled([
        store().append(s1, [a]),
        store().append(s2, [a], { expectedRevision: 5 }), // a is stored by then: an id conflict, not a wrong revision
        store().append(s3, [b], { expectedRevision: 5 }), // refused: b stays free
        store().append(s4, [b], { expectedRevision: 'no_stream' }),
      ]);
      expect(attempts.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      const reason = (i: number) => (attempts[i] as PromiseRejectedResult).reason;
      expect(reason(1)).toBeInstanceOf(EventIdConflictError);
      expect(reason(1).message).toBe(`Events ${a.id} were stored before, but not as this append to ${s2}`);
      expect(reason(2)).toMatchObject({ streamId: s3, actual: 'no_stream' });
      expect((await store().readStream(s4)).map((e) => e.id)).toEqual([b.id]);
    });

    it('gives no position to a refused append in a group: the others stay dense and in order', async () => {
      const before = await lastPosition(store());
      const streams = [stream(), stream(), stream(), stream()];
      const attempts = await Promise.allSettled(
        streams.map((s, i) => store().append(s, [ev(`E${i}a`), ev(`E${i}b`)], { expectedRevision: i === 1 ? 0 : 'no_stream' })),
      );
      expect(attempts.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      const positions = [0, 2, 3].map((i) => (attempts[i] as PromiseFulfilledResult<{ position: number }>).value.position);
      expect(positions).toEqual([before + 2, before + 4, before + 6]);
      const all = await store().readAll({ after: before, limit: 100 });
      expect(all.map((e) => e.type)).toEqual(['E0a', 'E0b', 'E2a', 'E2b', 'E3a', 'E3b']);
      expect(all.map((e) => e.revision)).toEqual([0, 1, 0, 1, 0, 1]);
    });

    it('keeps a group going when one append in it is refused by the database', async () => {
      const s = stream();
      const attempts = await Promise.allSettled([
        store().append(s, [ev('A')]),
        store().append(stream(), [ev('Poison', { text: 'nul \u0000 byte' })]), // jsonb refuses \u0000
        store().append(s, [ev('B')], { expectedRevision: 0 }),
      ]);
      expect(attempts.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await store().readStream(s)).map((e) => e.type)).toEqual(['A', 'B']);
    });
  });

  describe('catch-up subscription and checkpoints', () => {
    it('retries a failed batch from the same position, skipping nothing', async () => {
      const from = await lastPosition(store());
      const s = stream();
      await store().append(s, [ev('One'), ev('Two'), ev('Three'), ev('Four'), ev('Five')]);
      const handled: string[] = [];
      let failures = 0;
      const sub = subscribeToAll(store(), {
        from, batchSize: 2, pollIntervalMs: 5,
        onError: () => undefined,
        // [Three, Four] is a full batch, so [Five] was already read ahead when it fails: that read
        // must be dropped and the retry start again at Three.
        handle: async (batch) => {
          if (batch.some((e) => e.type === 'Three') && failures++ === 0) throw new Error('transient');
          handled.push(...batch.filter((e) => e.streamId === s).map((e) => e.type));
        },
      });
      await sub.reached(await lastPosition(store()));
      await sub.stop();
      expect(handled).toEqual(['One', 'Two', 'Three', 'Four', 'Five']);
      expect(failures).toBe(2);
    });

    it('reads the next batch while a full one is handled (catching up), never handing two over at once', async () => {
      const from = await lastPosition(store());
      await store().append(stream(), [ev('One'), ev('Two'), ev('Three'), ev('Four'), ev('Five')]);
      const p = (await store().readAll({ after: from, limit: 5 })).map((e) => e.position);
      const reads: number[] = [];
      const reading: EventStore = Object.create(store(), {
        readAll: { value: (options: { after: number; limit: number }) => { reads.push(options.after); return store().readAll(options); } },
      });
      const seen: Array<{ first: number; readsBefore: number[] }> = [];
      let handling = 0;
      const sub = subscribeToAll(reading, {
        from, batchSize: 2, pollIntervalMs: 5,
        handle: async (batch) => {
          expect(handling++).toBe(0);
          await new Promise((r) => setTimeout(r, 20));
          seen.push({ first: batch[0].position, readsBefore: [...reads] });
          handling--;
        },
      });
      await sub.reached(p[4]);
      await sub.stop();
      // While the first full batch (p0, p1) was handled, the batch after it was already being read.
      expect(seen[0]).toEqual({ first: p[0], readsBefore: [from, p[1]] });
      expect(seen.map((b) => b.first)).toEqual([p[0], p[2], p[4]]);
    });

    it('stores and reads named checkpoints', async () => {
      const checkpoints = new SqlCheckpointStore(store().sqlClient, store().schemaName);
      const name = `cp-${randomUUID()}`;
      expect(await checkpoints.read(name)).toBe(0);
      await checkpoints.store(name, 41);
      await checkpoints.store(name, 42);
      expect(await checkpoints.read(name)).toBe(42);
    });
  });
}

async function lastPosition(store: EventStore): Promise<number> {
  let after = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: 5000 });
    if (page.length === 0) return after;
    after = page[page.length - 1].position;
  }
}

function isDense(events: RecordedEvent[], after: number): boolean {
  return events.every((e, i) => e.position === after + i + 1);
}
