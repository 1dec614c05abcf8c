import { subscribeToAll, type RecordedEvent, type SqlEventStore, type Subscription } from '@samhandling/event-store';
import { applyBatch } from './apply-batch';
import { ProjectionCheckpoints, StaleCheckpoints } from './projection-checkpoints';
import type { Projection } from './projection';
import { ProjectionStateTable } from './projection-state.table';
import { ReferralRoutes } from './referral-routes';

/**
 * Events per batch at most (a batch is what the log holds past the checkpoint, up to this). Large,
 * because a batch's cost is mostly its round trips: from 500 to 2,000 the fold of a 100k-event log
 * went from 18k to 21k events/s on this machine (a 100k-event log of the relay bench's workload).
 */
const DEFAULT_BATCH_SIZE = 2_000;

export interface ProjectionRuntimeOptions {
  /** Events per batch at most (default 2,000). */
  batchSize?: number;
  pollIntervalMs?: number;
  /** A failing batch (e.g. an evolve that throws) is reported here and retried; nothing of it is kept. */
  onError?(error: unknown): void;
  /** Create `projection_state` if missing (default true); false where the schema migrations made it (the API). */
  createTable?: boolean;
}

/**
 * Keeps projections up to date from the store's global log. One subscription serves them all,
 * starting at the lowest checkpoint; each projection skips what it has already applied. A batch's
 * states and checkpoints commit in one transaction, so after a crash they still agree and the
 * batch is simply applied again.
 */
export class ProjectionRuntime {
  private readonly byName: ReadonlyMap<string, Projection<unknown>>;
  private readonly checkpoints: ProjectionCheckpoints;
  private readonly table: ProjectionStateTable;
  private readonly routes: ReferralRoutes;
  private subscription?: Subscription;
  /** Every projection has applied the log up to here. */
  private applied = 0;
  /** A lower bound of the log's head, so catchUp reads only what was appended since. */
  private knownHead = 0;
  private waiters: Array<{ position: number; resolve: () => void; reject: (e: Error) => void }> = [];
  private lifecycle: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private failure?: unknown;

  private constructor(private readonly store: SqlEventStore, private readonly projections: readonly Projection<unknown>[], private readonly options: ProjectionRuntimeOptions) {
    this.byName = new Map(projections.map((p) => [p.name, p]));
    this.checkpoints = new ProjectionCheckpoints(store.schemaName, store.sqlClient, projections.map((p) => p.name));
    this.table = new ProjectionStateTable(store.sqlClient, store.schemaName);
    this.routes = new ReferralRoutes(store);
  }

  static async start(store: SqlEventStore, projections: readonly Projection<any>[], options: ProjectionRuntimeOptions = {}): Promise<ProjectionRuntime> {
    const names = projections.map((p) => p.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate !== undefined) throw new Error(`Projection name ${JSON.stringify(duplicate)} is used twice`);
    if (names.length === 0) throw new Error('A projection runtime needs at least one projection');
    if (names.some((n) => typeof n !== 'string' || n.length === 0)) throw new Error('Every projection needs a non-empty name');
    const runtime = new ProjectionRuntime(store, projections, options);
    if (options.createTable ?? true) await runtime.table.ensure();
    await runtime.refoldChangedVersions();
    await runtime.checkpoints.load();
    runtime.subscribe();
    return runtime;
  }

  /** The state of one key as last committed; undefined when no event has touched it. */
  async get<S>(projectionName: string, key: string): Promise<S | undefined> {
    this.projection(projectionName);
    return (await this.table.get(projectionName, key))?.state as S | undefined;
  }

  /** Committed states whose `field` contains `value`, in key order after `afterKey` (see ProjectionStateTable.containing). */
  async containing<S>(projectionName: string, field: string, value: unknown, afterKey = '', limit = 100): Promise<Array<{ key: string; state: S }>> {
    this.projection(projectionName);
    return (await this.table.containing(projectionName, field, value, afterKey, limit)).map((r) => ({ key: r.key, state: r.state as S }));
  }

  /** The position a projection has applied the log up to (its committed checkpoint). */
  checkpoint(projectionName: string): number {
    this.projection(projectionName);
    return this.checkpoints.current.get(projectionName)!;
  }

  /** The error of the last failed batch, until a batch succeeds again. */
  get lastError(): unknown {
    return this.failure;
  }

  /** Resolves once every event appended before the call is applied: read-your-writes for a caller. */
  async catchUp(): Promise<void> {
    await this.catchUpWithin(Infinity);
  }

  /**
   * catchUp, waiting at most `waitMs`: true once caught up, false when the time ran out first.
   * `head`: the log's head as the caller already read it (ProjectionSet reads it once for all lanes).
   */
  async catchUpWithin(waitMs: number, head?: number): Promise<boolean> {
    if (this.stopped) throw new Error('ProjectionRuntime is stopped');
    head = Math.max(this.knownHead, head ?? (await this.store.headPosition()));
    this.knownHead = head;
    if (head <= this.applied) return true;
    if (waitMs <= 0) return false;
    return new Promise<boolean>((resolve, reject) => {
      if (this.stopped) return reject(new Error('ProjectionRuntime stopped before catching up'));
      const waiter = { position: head, resolve: () => (clearTimeout(timer), resolve(true)), reject: (e: Error) => (clearTimeout(timer), reject(e)) };
      const timer = Number.isFinite(waitMs)
        ? setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, waitMs)
        : undefined;
      this.waiters.push(waiter);
    });
  }

  /** Projections whose stored states another version folded start again from the log's beginning. */
  private async refoldChangedVersions(): Promise<void> {
    const versions = new Map(this.projections.map((p) => [p.name, p.version ?? 1] as const));
    await this.store.sqlClient.transaction((tx) => this.checkpoints.refold(tx, versions, (t, name) => this.table.clear(t, name)));
  }

  /** Drops a projection's states and checkpoint and replays the log into it; resolves when it has caught up. */
  async rebuild(projectionName: string): Promise<void> {
    this.projection(projectionName);
    await this.exclusive(async () => {
      await this.subscription?.stop();
      await this.store.sqlClient.transaction(async (tx) => {
        await this.checkpoints.reset(tx, projectionName);
        await this.table.clear(tx, projectionName);
      });
      await this.checkpoints.load();
      this.subscribe();
    });
    await this.catchUp();
  }

  async stop(): Promise<void> {
    await this.exclusive(async () => {
      if (this.stopped) return;
      this.stopped = true;
      await this.subscription?.stop();
      for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('ProjectionRuntime stopped before catching up'));
    });
  }

  private subscribe(): void {
    if (this.stopped) throw new Error('ProjectionRuntime is stopped');
    const from = this.checkpoints.lowest();
    this.applied = from;
    this.subscription = subscribeToAll(this.store, {
      from,
      handle: (batch) => this.handle(batch),
      batchSize: this.options.batchSize ?? DEFAULT_BATCH_SIZE,
      pollIntervalMs: this.options.pollIntervalMs,
      onError: (error) => {
        this.failure = error;
        this.options.onError?.(error);
      },
    });
  }

  private async handle(batch: RecordedEvent[]): Promise<void> {
    // Another runtime may have rebuilt a projection behind this subscription: fill that gap first.
    const first = batch[0].position;
    for (let attempt = 1; ; attempt++) {
      try {
        for (let low = this.checkpoints.lowest(); low < first - 1; low = this.checkpoints.lowest()) {
          const gap = await this.store.readAll({ after: low, limit: Math.min(this.options.batchSize ?? DEFAULT_BATCH_SIZE, first - 1 - low) });
          if (gap.length === 0) break;
          await this.commit(gap);
        }
        await this.commit(batch);
        break;
      } catch (error) {
        // Losing a race to another runtime is no failure: go again at once from the checkpoints it left.
        if (!(error instanceof StaleCheckpoints) || attempt >= 10) throw error;
        this.applied = Math.min(this.applied, this.checkpoints.lowest());
      }
    }
    this.failure = undefined;
    this.applied = batch[batch.length - 1].position;
    this.knownHead = Math.max(this.knownHead, this.applied);
    this.waiters = this.waiters.filter((w) => (w.position <= this.applied ? (w.resolve(), false) : true));
  }

  private async commit(events: readonly RecordedEvent[]): Promise<void> {
    const context = await this.routes.contextFor(events);
    const outcome = await applyBatch(this.projections, this.checkpoints.current, events, context, (refs) => this.table.load(refs));
    await this.store.sqlClient.transaction(async (tx) => {
      await this.checkpoints.claim(tx);
      await this.table.save(tx, outcome.rows);
      await this.checkpoints.advance(tx, outcome.checkpoints);
    });
    this.checkpoints.committed(outcome.checkpoints);
  }

  private projection(name: string): Projection<unknown> {
    const projection = this.byName.get(name);
    if (!projection) throw new Error(`Unknown projection ${JSON.stringify(name)}; known: ${[...this.byName.keys()].join(', ')}`);
    return projection;
  }

  /** Rebuild and stop restart or end the subscription; one at a time. */
  private exclusive(work: () => Promise<void>): Promise<void> {
    const next = this.lifecycle.then(work);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }
}
