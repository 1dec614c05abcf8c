import type { DomainEvent } from '@samhandling/domain';
import { newEventId, SqlCheckpointStore, type SqlEventStore } from '@samhandling/event-store';
import { BUILT_IN_PROJECTIONS } from '../built-in-projections';
import type { Projection } from '../projection';
import { checkpointName } from '../projection-checkpoints';
import { ProjectionRuntime } from '../projection-runtime';
import { ProjectionSet } from '../projection-set';
import { ReferralBoardQueries } from '../referral-board.query';
import type { PersonOverview } from '../person-overview.types';
import type { ContactHistory } from '../contact-history.projection';
import { project, streamOf } from './recorded';
import { AMINA, CHILD_WELFARE, HEALTH, scenario } from './scenario';

export interface RuntimeHarness {
  /** A schema no other test uses. */
  newSchema(): string;
  /** Opens the store of a schema; opening it again after close sees the same data. */
  open(schema: string): Promise<SqlEventStore>;
}

interface Count { count: number }
const counter = (name: string, fail: () => boolean = () => false): Projection<Count> => ({
  name, categories: [], keyOf: () => ['all'], init: () => ({ count: 0 }),
  evolve: (s) => {
    if (fail()) throw new Error(`${name} cannot evolve`);
    return { count: s.count + 1 };
  },
});
/** Counts evolve calls, to tell a replay from a restart that had nothing to do. */
const counted = <S>(p: Projection<S>, calls: { n: number }): Projection<S> => ({ ...p, evolve: (s, e) => (calls.n++, p.evolve(s, e)) });

const append = async (store: SqlEventStore, events: readonly DomainEvent[]) => {
  for (const e of events) await store.append(streamOf(e), [{ id: newEventId(), type: e.type, data: e.data as unknown as Record<string, unknown> }]);
};
const until = async (condition: () => boolean, what: string, ms = 10_000) => {
  for (const end = Date.now() + ms; !condition(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
};
const head = async (store: SqlEventStore) => (await store.readAll({ after: 0, limit: 100_000 })).at(-1)?.position ?? 0;

/** Every state the runtime holds equals the pure fold of the whole log. */
async function expectPureFold(runtime: ProjectionRuntime, store: SqlEventStore, projections: readonly Projection<unknown>[]) {
  const log = await store.readAll({ after: 0, limit: 100_000 });
  for (const p of projections) {
    for (const [key, state] of project(p, log)) expect({ [p.name]: await runtime.get(p.name, key) }).toEqual({ [p.name]: state });
  }
}

const TIMEOUT = 60_000;

/** The runtime's behaviour, run on PGlite (unit) and PostgreSQL (integration) alike. */
export function projectionRuntimeContract(harness: RuntimeHarness): void {
  let store: SqlEventStore;
  let schema: string;
  const runtimes: ProjectionRuntime[] = [];
  const start = async (projections: readonly Projection<any>[], options = {}) => {
    const runtime = await ProjectionRuntime.start(store, projections, { pollIntervalMs: 50, ...options });
    runtimes.push(runtime);
    return runtime;
  };
  const reopen = async () => {
    for (const r of runtimes.splice(0)) await r.stop();
    await store.close();
    store = await harness.open(schema);
  };

  beforeEach(async () => {
    schema = harness.newSchema();
    store = await harness.open(schema);
  }, TIMEOUT);
  afterEach(async () => {
    for (const r of runtimes.splice(0)) await r.stop();
    await store.close();
  }, TIMEOUT);

  it('folds a projection again from the start when it declares a new version, and only then', async () => {
    await append(store, scenario('amina'));
    const v1 = counter('versioned');
    await (await start([v1])).catchUp();
    const events = (await store.readAll({ after: 0, limit: 100_000 })).length;
    expect(await runtimes[0].get<Count>('versioned', 'all')).toEqual({ count: events });
    await reopen();
    // Version 2 counts twice per event: its states must come from its own fold, not version 1's.
    const v2: Projection<Count> = { ...v1, version: 2, evolve: (s) => ({ count: s.count + 2 }) };
    await (await start([v2])).catchUp();
    expect(await runtimes[0].get<Count>('versioned', 'all')).toEqual({ count: 2 * events });
    await reopen();
    const calls = { n: 0 };
    await (await start([counted(v2, calls)])).catchUp();
    expect(calls.n).toBe(0);
    expect(await runtimes[0].get<Count>('versioned', 'all')).toEqual({ count: 2 * events });
  }, TIMEOUT);

  it('catches up from the log to the same states a pure fold gives', async () => {
    await append(store, [...scenario('amina'), ...scenario('omar')]);
    const runtime = await start(BUILT_IN_PROJECTIONS);
    await runtime.catchUp();
    await expectPureFold(runtime, store, BUILT_IN_PROJECTIONS);
    const board = new ReferralBoardQueries(store.sqlClient, store.schemaName);
    await board.ensureIndex();
    const page = await board.page(CHILD_WELFARE, 'incoming', '2026-01-01T00:00:00Z', 1);
    const rest = await board.page(CHILD_WELFARE, 'incoming', '2026-01-01T00:00:00Z', 1, page.next);
    expect([...page.referrals, ...rest.referrals].map((r) => [r.referralId, r.status, r.overdue])).toEqual([['r-1-amina', 'accepted', false], ['r-1-omar', 'accepted', false]]);
    expect(rest.next).toBeUndefined();
    expect((await board.page(HEALTH, 'outgoing', '2026-02-01T00:00:00Z', 5)).referrals.map((r) => r.referralId)).toEqual(['r-1-amina', 'r-1-omar']);
    expect(await runtime.get('person-overview', 'nobody')).toBeUndefined();
    await expect(runtime.get('no-such-projection', AMINA)).rejects.toThrow(/Unknown projection "no-such-projection"/);
  }, TIMEOUT);

  it('keeps states and checkpoints across a restart, without replaying', async () => {
    await append(store, scenario());
    await (await start(BUILT_IN_PROJECTIONS)).catchUp();
    await reopen();
    const end = await head(store);
    const checkpoints = new SqlCheckpointStore(store.sqlClient, store.schemaName);
    for (const p of BUILT_IN_PROJECTIONS) expect(await checkpoints.read(checkpointName(p.name))).toBe(end);

    const calls = { n: 0 };
    const runtime = await start(BUILT_IN_PROJECTIONS.map((p) => counted(p, calls)));
    await runtime.catchUp();
    expect(calls.n).toBe(0);
    await expectPureFold(runtime, store, BUILT_IN_PROJECTIONS);
  }, TIMEOUT);

  it('resolves a referral route from the log after a restart mid-referral', async () => {
    await append(store, scenario().filter((e) => e.type === 'ReferralSent'));
    await (await start(BUILT_IN_PROJECTIONS)).catchUp();
    await reopen();
    const runtime = await start(BUILT_IN_PROJECTIONS);
    await append(store, [{ type: 'ReferralAccepted', data: { referralId: 'r-1-amina', by: CHILD_WELFARE, actor: 'cw-1', acceptedAt: '2026-01-11T08:00:00Z' } }]);
    await runtime.catchUp();
    const overview = await runtime.get<PersonOverview>('person-overview', AMINA);
    expect(overview?.openReferrals.find((r) => r.referralId === 'r-1-amina')?.status).toBe('accepted');
  }, TIMEOUT);

  it('rebuilds a projection from zero to the identical state, leaving the others alone', async () => {
    await append(store, [...scenario('amina'), ...scenario('omar')]);
    const runtime = await start(BUILT_IN_PROJECTIONS);
    await runtime.catchUp();
    const before = await store.sqlClient.query(`SELECT projection, key, state, position FROM ${store.schemaName}.projection_state ORDER BY projection, key`);
    // Damage the stored overview: only a real replay can repair it.
    await store.sqlClient.query(`UPDATE ${store.schemaName}.projection_state SET state = '{"damaged": true}' WHERE projection = 'person-overview'`);
    await runtime.rebuild('person-overview');
    const after = await store.sqlClient.query(`SELECT projection, key, state, position FROM ${store.schemaName}.projection_state ORDER BY projection, key`);
    expect(after).toEqual(before);
    expect(runtime.checkpoint('person-overview')).toBe(await head(store));
  }, TIMEOUT);

  it('does not advance any checkpoint past a batch whose evolve fails, and applies it exactly once when it recovers', async () => {
    let failing = false;
    const errors: unknown[] = [];
    const runtime = await start([counter('counter'), counter('flaky', () => failing), ...BUILT_IN_PROJECTIONS], { onError: (e: unknown) => errors.push(e) });
    await append(store, scenario().slice(0, 3));
    await runtime.catchUp();
    const checkpoints = new SqlCheckpointStore(store.sqlClient, store.schemaName);

    failing = true;
    // One append, so the retries back off undisturbed by wake-ups.
    const contacts = scenario().filter((e) => e.type === 'ContactRecorded');
    await store.append(streamOf(contacts[0]), contacts.map((e) => ({ id: newEventId(), type: e.type, data: e.data as unknown as Record<string, unknown> })));
    await until(() => errors.length >= 2, 'the failing batch to be retried');
    expect(String(runtime.lastError)).toMatch(/flaky cannot evolve/);
    for (const name of ['counter', 'flaky', 'contact-history']) {
      expect(await checkpoints.read(checkpointName(name))).toBe(3);
      expect(runtime.checkpoint(name)).toBe(3);
    }
    expect(await runtime.get('counter', 'all')).toEqual({ count: 3 });
    expect(await runtime.get('contact-history', AMINA)).toBeUndefined();

    failing = false;
    await runtime.catchUp();
    expect(await runtime.get('counter', 'all')).toEqual({ count: 6 });
    expect(await runtime.get('flaky', 'all')).toEqual({ count: 6 });
    expect((await runtime.get<ContactHistory>('contact-history', AMINA))?.contacts).toHaveLength(3);
    expect(await checkpoints.read(checkpointName('flaky'))).toBe(6);
    expect(runtime.lastError).toBeUndefined();
  }, TIMEOUT);

  it('gives read-your-writes: catchUp covers every append made before it', async () => {
    const runtime = await start(BUILT_IN_PROJECTIONS);
    const contacts = scenario().filter((e) => e.type === 'ContactRecorded');
    for (const [i, contact] of contacts.entries()) {
      await append(store, [contact]);
      await runtime.catchUp();
      expect((await runtime.get<ContactHistory>('contact-history', AMINA))?.contacts).toHaveLength(i + 1);
    }
  }, TIMEOUT);

  it('brings a newly added projection up from zero while the others continue from their checkpoints', async () => {
    await append(store, scenario());
    const first = await start([counter('counter')]);
    await first.catchUp();
    await first.stop();
    await append(store, scenario('omar'));
    const runtime = await start([counter('counter'), counter('newcomer')]);
    await runtime.catchUp();
    const total = 2 * scenario().length;
    expect([await runtime.get('counter', 'all'), await runtime.get('newcomer', 'all')]).toEqual([{ count: total }, { count: total }]);
  }, TIMEOUT);

  it('applies every event once when two runtimes fold the same projections, even across a rebuild by one of them', async () => {
    const one = await start([counter('counter'), ...BUILT_IN_PROJECTIONS]);
    const two = await start([counter('counter'), ...BUILT_IN_PROJECTIONS]);
    await Promise.all([append(store, scenario('amina')), append(store, scenario('omar'))]);
    await Promise.all([one.catchUp(), two.catchUp()]);
    expect(await one.get('counter', 'all')).toEqual({ count: 2 * scenario().length });

    await one.rebuild('counter');
    await append(store, scenario('sara'));
    await Promise.all([one.catchUp(), two.catchUp()]);
    expect(await two.get('counter', 'all')).toEqual({ count: 3 * scenario().length });
    await expectPureFold(two, store, BUILT_IN_PROJECTIONS);
  }, TIMEOUT);

  it('keeps a lane that cannot fold from holding another back, and says how far behind it is', async () => {
    let failing = false;
    const errors: unknown[] = [];
    const set = await ProjectionSet.start(store, [[counter('policy')], [counter('slow', () => failing), counter('content')]], { pollIntervalMs: 50, onError: (e) => errors.push(e) });
    try {
      await append(store, scenario().slice(0, 3));
      await set.catchUp();
      expect(await set.freshness(['slow', 'policy'], 0)).toEqual({ position: 3, lag: 0, stale: false });

      failing = true;
      await append(store, scenario().slice(3, 5));
      await set.catchUp(['policy']);
      expect(await set.get('policy', 'all')).toEqual({ count: 5 });
      expect(await set.freshness(['policy'], 0)).toEqual({ position: 5, lag: 0, stale: false });
      await until(() => errors.length >= 1, 'the slow lane to fail');
      // The read asked to wait 100 ms: it answers with what is there, 2 events behind.
      expect(await set.freshness(['content', 'policy'], 100)).toEqual({ position: 3, lag: 2, stale: true });
      expect(await set.get('content', 'all')).toEqual({ count: 3 });
      expect(String(set.lastError)).toMatch(/slow cannot evolve/);

      failing = false;
      expect(await set.freshness(['content', 'slow'], 30_000)).toEqual({ position: 5, lag: 0, stale: false });
      expect(await set.get('slow', 'all')).toEqual({ count: 5 });
    } finally {
      await set.stop();
    }
    await expect(ProjectionSet.start(store, [[counter('twice')], [counter('twice')]])).rejects.toThrow(/"twice" is in two lanes/);
  }, TIMEOUT);
}
