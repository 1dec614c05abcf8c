import { SqlCheckpointStore, type SqlClient, type SqlExecutor } from '@samhandling/event-store';

export const checkpointName = (projection: string): string => `projections:${projection}`;

export class StaleCheckpoints extends Error {
  constructor(projections: string[]) {
    super(`Another runtime moved the checkpoints of ${projections.join(', ')}; the batch is retried from there`);
  }
}

/**
 * The runtime's view of its projections' checkpoints, and the guard that keeps it true. Another
 * runtime (an API replica) may fold the same projections: every commit takes its projections'
 * locks and checks the checkpoints its batch started from, so a batch folded from states another runtime
 * has since moved is dropped and folded again, never applied twice.
 */
export class ProjectionCheckpoints {
  private readonly positions = new Map<string, number>();
  private readonly store: SqlCheckpointStore;

  constructor(private readonly schema: string, sql: SqlClient, private readonly names: readonly string[]) {
    this.store = new SqlCheckpointStore(sql, schema);
  }

  async load(): Promise<void> {
    for (const name of this.names) this.positions.set(name, await this.store.read(checkpointName(name)));
  }

  get current(): ReadonlyMap<string, number> {
    return this.positions;
  }

  /** Every projection has applied the log up to here (0 with no projections). */
  lowest(): number {
    return this.names.length === 0 ? 0 : Math.min(...this.positions.values());
  }

  /** Inside a commit's transaction, before anything is written. */
  async claim(tx: SqlExecutor): Promise<void> {
    await this.lock(tx);
    const rows = await tx.query<{ name: string; position: string | number }>(
      `SELECT name, position FROM ${this.schema}.checkpoints WHERE name = ANY($1)`,
      [this.names.map(checkpointName)],
    );
    const stored = new Map(rows.map((r) => [r.name, Number(r.position)]));
    const moved = this.names.filter((n) => (stored.get(checkpointName(n)) ?? 0) !== this.positions.get(n));
    if (moved.length === 0) return;
    for (const name of moved) this.positions.set(name, stored.get(checkpointName(name)) ?? 0);
    throw new StaleCheckpoints(moved);
  }

  /** Every projection's new checkpoint in one statement (a commit's round trips are its cost). */
  async advance(tx: SqlExecutor, positions: ReadonlyMap<string, number>): Promise<void> {
    if (positions.size === 0) return;
    await tx.query(
      `INSERT INTO ${this.schema}.checkpoints (name, position, updated_at)
       SELECT name, position, now() FROM unnest($1::text[], $2::bigint[]) AS x(name, position)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()`,
      [[...positions.keys()].map(checkpointName), [...positions.values()]],
    );
  }

  /** Call once the transaction that advanced them has committed. */
  committed(positions: ReadonlyMap<string, number>): void {
    for (const [name, position] of positions) this.positions.set(name, position);
  }

  /** Back to zero for a rebuild, under the same lock, so no other runtime's commit lands in between. */
  /**
   * Drops the states of every projection folded by another version than it declares, so they are
   * folded again from the start; records the version. Before load(), in one transaction.
   */
  async refold(tx: SqlExecutor, versions: ReadonlyMap<string, number>, clear: (tx: SqlExecutor, name: string) => Promise<void>): Promise<string[]> {
    await this.lock(tx);
    const refolded: string[] = [];
    for (const [name, version] of versions) {
      const key = `${checkpointName(name)}:version`;
      const rows = await tx.query<{ position: string | number }>(`SELECT position FROM ${this.schema}.checkpoints WHERE name = $1`, [key]);
      const stored = rows.length === 0 ? 1 : Number(rows[0].position);
      if (stored === version) continue;
      await this.store.store(checkpointName(name), 0, tx);
      await clear(tx, name);
      await this.store.store(key, version, tx);
      refolded.push(name);
    }
    return refolded;
  }

  async reset(tx: SqlExecutor, name: string): Promise<void> {
    await this.lock(tx);
    await this.store.store(checkpointName(name), 0, tx);
  }

  /**
   * One lock per projection, taken in name order (so two runtimes never wait on each other in a
   * circle): runtimes folding a projection in common take turns, and disjoint ones (the API's
   * policy lane and its read models) commit side by side.
   */
  private async lock(tx: SqlExecutor): Promise<void> {
    await tx.query(
      `SELECT count(pg_advisory_xact_lock(hashtext(k))) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS ordered`,
      [[...this.names].sort().map((n) => `samhandling-projections:${this.schema}:${n}`)],
    );
  }
}
