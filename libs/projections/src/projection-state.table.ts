import { checkSchemaName, withDdlLock, type SqlClient, type SqlExecutor } from '@samhandling/event-store';
import { projectionStateTableDdl } from './projection-state.migration';

export interface StateRef {
  projection: string;
  key: string;
}

export interface StateRow extends StateRef {
  state: unknown;
  /** Log position of the last event that changed this state: lets a reader cite its source. */
  position: number;
}

/** `<schema>.projection_state`: one jsonb state per (projection, key), next to the log it is folded from. */
export class ProjectionStateTable {
  private readonly table: string;

  constructor(private readonly sql: SqlClient, private readonly schema: string) {
    this.table = `${checkSchemaName(schema)}.projection_state`;
  }

  /** Two runtimes starting at once must not race on CREATE TABLE, hence the store's DDL lock. */
  async ensure(): Promise<void> {
    await withDdlLock(this.sql, async (tx) => {
      await tx.query(projectionStateTableDdl(this.schema));
    });
  }

  /** The states of every touched key in one round trip. */
  async load(refs: readonly StateRef[]): Promise<StateRow[]> {
    if (refs.length === 0) return [];
    const rows = await this.sql.query<{ projection: string; key: string; state: unknown; position: string | number }>(
      `SELECT s.projection, s.key, s.state, s.position
         FROM ${this.table} s
         JOIN jsonb_to_recordset($1::jsonb) AS x(projection text, key text) USING (projection, key)`,
      [JSON.stringify(refs)],
    );
    return rows.map((r) => ({ ...r, position: Number(r.position) }));
  }

  async save(tx: SqlExecutor, rows: readonly StateRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO ${this.table} (projection, key, state, position)
       SELECT projection, key, state, position
         FROM jsonb_to_recordset($1::jsonb) AS x(projection text, key text, state jsonb, position bigint)
       ON CONFLICT (projection, key) DO UPDATE SET state = excluded.state, position = excluded.position`,
      [JSON.stringify(rows)],
    );
  }

  async get(projection: string, key: string): Promise<StateRow | undefined> {
    const rows = await this.load([{ projection, key }]);
    return rows[0];
  }

  /**
   * States of one projection whose top-level `field` contains `value` (jsonb @>), in key order
   * after `afterKey`: a query across keys, e.g. every person an agency is involved with.
   */
  async containing(projection: string, field: string, value: unknown, afterKey: string, limit: number): Promise<StateRow[]> {
    const rows = await this.sql.query<{ projection: string; key: string; state: unknown; position: string | number }>(
      `SELECT projection, key, state, position FROM ${this.table}
        WHERE projection = $1 AND state -> $2 @> $3::jsonb AND key > $4
        ORDER BY key LIMIT $5`,
      [projection, field, JSON.stringify(value), afterKey, limit],
    );
    return rows.map((r) => ({ ...r, position: Number(r.position) }));
  }

  async clear(tx: SqlExecutor, projection: string): Promise<void> {
    await tx.query(`DELETE FROM ${this.table} WHERE projection = $1`, [projection]);
  }
}
