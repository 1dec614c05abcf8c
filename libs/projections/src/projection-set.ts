import type { SqlEventStore } from '@samhandling/event-store';
import type { Projection } from './projection';
import { ProjectionRuntime, type ProjectionRuntimeOptions } from './projection-runtime';

/** How current a read of some projections is: the position they have applied, and how far the log's head is past it. */
export interface Freshness {
  /** The lowest checkpoint among the projections asked about. */
  position: number;
  /** Events appended after `position` and not yet applied (0 when caught up). */
  lag: number;
  /** True when the read did not wait for the lag to close. */
  stale: boolean;
}

/**
 * Projections folded by several runtimes side by side, one subscription each, so a slow lane
 * (a read model rebuilding from zero) never holds back a fast one (the policy's own state, which
 * every decision waits for). Each projection belongs to one lane; the set answers for them all by
 * name. A commit locks its own projections only (ProjectionCheckpoints), so lanes commit side by
 * side, and a runtime elsewhere folding the same projection (a replica, `projections rebuild`)
 * still takes turns with the lane that holds it.
 */
export class ProjectionSet {
  private readonly byName: ReadonlyMap<string, ProjectionRuntime>;

  private constructor(private readonly store: SqlEventStore, private readonly lanes: readonly ProjectionRuntime[], names: ReadonlyMap<string, ProjectionRuntime>) {
    this.byName = names;
  }

  static async start(store: SqlEventStore, lanes: ReadonlyArray<readonly Projection<any>[]>, options: ProjectionRuntimeOptions = {}): Promise<ProjectionSet> {
    const names = lanes.flat().map((p) => p.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw new Error(`Projection ${JSON.stringify(twice)} is in two lanes`);
    const runtimes: ProjectionRuntime[] = [];
    try {
      for (const lane of lanes) runtimes.push(await ProjectionRuntime.start(store, lane, options));
    } catch (error) {
      await Promise.all(runtimes.map((r) => r.stop()));
      throw error;
    }
    const byName = new Map(lanes.flatMap((lane, i) => lane.map((p) => [p.name, runtimes[i]] as const)));
    return new ProjectionSet(store, runtimes, byName);
  }

  get<S>(projection: string, key: string): Promise<S | undefined> {
    return this.lane(projection).get<S>(projection, key);
  }

  containing<S>(projection: string, field: string, value: unknown, afterKey = '', limit = 100): Promise<Array<{ key: string; state: S }>> {
    return this.lane(projection).containing<S>(projection, field, value, afterKey, limit);
  }

  checkpoint(projection: string): number {
    return this.lane(projection).checkpoint(projection);
  }

  /** The error of a lane's last failed batch, until it succeeds again. */
  get lastError(): unknown {
    return this.lanes.map((l) => l.lastError).find((e) => e !== undefined);
  }

  /** Resolves once every event appended before the call is applied to the projections named (all when none are). */
  async catchUp(projections?: readonly string[]): Promise<void> {
    await Promise.all(this.lanesOf(projections).map((l) => l.catchUp()));
  }

  /**
   * Catches the named projections up to the log's head (`head`, or read here), waiting at most
   * `waitMs`: a read answers at once with what is there rather than waiting for a lane that is
   * far behind, and says how far behind it is. One head query serves every lane asked about.
   */
  async freshness(projections: readonly string[], waitMs: number, head?: number): Promise<Freshness> {
    const upTo = head ?? (await this.head());
    const caughtUp = await Promise.all(this.lanesOf(projections).map((l) => l.catchUpWithin(waitMs, upTo)));
    const position = Math.min(...projections.map((p) => this.checkpoint(p)));
    if (caughtUp.every(Boolean)) return { position, lag: 0, stale: false };
    const lag = Math.max(0, upTo - position);
    return { position, lag, stale: lag > 0 };
  }

  /** The log's head: positions are dense and follow commit order, so the highest committed one. */
  head(): Promise<number> {
    return this.store.headPosition();
  }

  rebuild(projection: string): Promise<void> {
    return this.lane(projection).rebuild(projection);
  }

  async stop(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.stop()));
  }

  private lanesOf(projections?: readonly string[]): ProjectionRuntime[] {
    return projections === undefined ? [...this.lanes] : [...new Set(projections.map((p) => this.lane(p)))];
  }

  private lane(projection: string): ProjectionRuntime {
    const runtime = this.byName.get(projection);
    if (!runtime) throw new Error(`Unknown projection ${JSON.stringify(projection)}; known: ${[...this.byName.keys()].join(', ')}`);
    return runtime;
  }
}
