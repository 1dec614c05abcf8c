import { checkSchemaName, withDdlLock, type Migration, type SqlClient, type SqlExecutor } from '@samhandling/event-store';
import type { SubjectPolicyState } from '@samhandling/policy';

/**
 * `<schema>.relay_policy_state`: each person's policy state as the relay last folded it, and
 * `<schema>.relay_policy_position`: the log position those states reflect, per relay (its
 * checkpoint name). Both are written in the transaction that stores the relay's checkpoint, so
 * the states always are the fold of the log up to the checkpoint: a restart reads them lazily
 * instead of folding the whole log again.
 */
export function relayPolicyStateDdl(schema: string): string[] {
  const s = checkSchemaName(schema);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.relay_policy_state (
        relay      text  NOT NULL,
        subject_id text  NOT NULL,
        state      jsonb NOT NULL,
        PRIMARY KEY (relay, subject_id)
      )`,
    `CREATE TABLE IF NOT EXISTS ${s}.relay_policy_position (
        relay    text   PRIMARY KEY,
        position bigint NOT NULL
      )`,
  ];
}

/** Migration 006_relay_policy_state (one version of the whole schema's list, @samhandling/schema). */
export const relayPolicyStateMigration: Migration = { version: 6, name: 'relay_policy_state', up: relayPolicyStateDdl };

/** Reads and writes the relay's persisted policy states (relay-policy-state.ts's tables). */
export class RelayPolicyStore {
  private constructor(private readonly sql: SqlClient, private readonly schema: string) {}

  /** Creates the tables if missing (tests, and stores opened without the migrations). */
  static async create(sql: SqlClient, schema = 'samhandling'): Promise<RelayPolicyStore> {
    const s = checkSchemaName(schema);
    await withDdlLock(sql, async (tx) => {
      for (const statement of relayPolicyStateDdl(s)) await tx.query(statement);
    });
    return new RelayPolicyStore(sql, s);
  }

  /** Over a schema the migrations made (the apps' start path): no DDL. */
  static attach(sql: SqlClient, schema = 'samhandling'): RelayPolicyStore {
    return new RelayPolicyStore(sql, checkSchemaName(schema));
  }

  /** The position the relay's persisted states reflect; undefined when it never persisted any. */
  async position(relay: string): Promise<number | undefined> {
    const rows = await this.sql.query<{ position: string | number }>(`SELECT position FROM ${this.schema}.relay_policy_position WHERE relay = $1`, [relay]);
    return rows.length > 0 ? Number(rows[0].position) : undefined;
  }

  /** The persisted states of `ids`, one query; null for a person the relay holds no state of. */
  async load(relay: string, ids: readonly string[]): Promise<Map<string, SubjectPolicyState | null>> {
    const found = new Map<string, SubjectPolicyState | null>(ids.map((id) => [id, null]));
    if (ids.length === 0) return found;
    const rows = await this.sql.query<{ subject_id: string; state: SubjectPolicyState | string }>(
      `SELECT subject_id, state FROM ${this.schema}.relay_policy_state WHERE relay = $1 AND subject_id = ANY($2::text[])`,
      [relay, ids],
    );
    for (const row of rows) found.set(row.subject_id, typeof row.state === 'string' ? JSON.parse(row.state) : row.state);
    return found;
  }

  /** Writes the states a batch changed and the position they reflect, in the caller's transaction (the checkpoint's). */
  async save(relay: string, states: ReadonlyMap<string, SubjectPolicyState>, position: number, tx: SqlExecutor): Promise<void> {
    if (states.size > 0) {
      const rows = [...states].map(([id, state]) => ({ id, state }));
      await tx.query(
        `INSERT INTO ${this.schema}.relay_policy_state (relay, subject_id, state)
         SELECT $1, x.id, x.state FROM jsonb_to_recordset($2::jsonb) AS x(id text, state jsonb)
         ON CONFLICT (relay, subject_id) DO UPDATE SET state = excluded.state`,
        [relay, JSON.stringify(rows)],
      );
    }
    await tx.query(
      `INSERT INTO ${this.schema}.relay_policy_position (relay, position) VALUES ($1, $2)
       ON CONFLICT (relay) DO UPDATE SET position = excluded.position`,
      [relay, position],
    );
  }

  /** Forgets every state of the relay (before folding the log again from 0). */
  async clear(relay: string, tx: SqlExecutor): Promise<void> {
    await tx.query(`DELETE FROM ${this.schema}.relay_policy_state WHERE relay = $1`, [relay]);
    await tx.query(`DELETE FROM ${this.schema}.relay_policy_position WHERE relay = $1`, [relay]);
  }
}
