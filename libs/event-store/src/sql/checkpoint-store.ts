import type { SqlClient, SqlExecutor } from './sql-client';
import { checkSchemaName } from './sql-client';

export interface CheckpointStore {
  read(name: string): Promise<number>;
  /** Stores a position; pass `tx` to write it in the same transaction as the work it covers. */
  store(name: string, position: number, tx?: SqlExecutor): Promise<void>;
}

/** Subscriber checkpoints in the store's own schema (table created with the event log). */
export class SqlCheckpointStore implements CheckpointStore {
  private readonly schema: string;

  constructor(private readonly sql: SqlClient, schema = 'samhandling') {
    this.schema = checkSchemaName(schema);
  }

  async read(name: string): Promise<number> {
    const rows = await this.sql.query<{ position: string | number }>(`SELECT position FROM ${this.schema}.checkpoints WHERE name = $1`, [name]);
    return rows.length > 0 ? Number(rows[0].position) : 0;
  }

  async store(name: string, position: number, tx: SqlExecutor = this.sql): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.schema}.checkpoints (name, position, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()`,
      [name, position],
    );
  }
}
