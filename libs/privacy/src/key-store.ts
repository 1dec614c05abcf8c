import { randomBytes } from 'node:crypto';
import { checkSchemaName, type Migration, type SqlClient } from '@samhandling/event-store';
import { DATA_KEY_BYTES } from './sealed-field';

/**
 * Where the people's data keys are kept: the seam for an external KMS. The default below is a
 * table in a schema of its own, `<schema>_keys`, so that it can be granted, backed up and
 * retained apart from the log (a backup of the keys is a backup of everything they open; keep it
 * no longer than the shortest erasure deadline). A KMS adapter implements the same three calls,
 * wrapping each data key with a key that never leaves it.
 */
export interface KeyStore {
  /** The person's data key, made on first use; undefined once it was destroyed (the person erased). */
  keyFor(subjectId: string): Promise<Buffer | undefined>;
  /** Existing keys of these people (absent: never made, or destroyed); never makes one. */
  existingKeys(subjectIds: readonly string[]): Promise<Map<string, Buffer>>;
}

/** `<schema>_keys.data_keys`: one row per person; a destroyed key leaves its row, key NULL. */
export function dataKeysDdl(schema: string): string[] {
  const k = keysSchema(schema);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${k}`,
    `CREATE TABLE IF NOT EXISTS ${k}.data_keys (
        subject_id   text        PRIMARY KEY,
        key          bytea       CHECK (key IS NULL OR octet_length(key) = ${DATA_KEY_BYTES}),
        created_at   timestamptz NOT NULL DEFAULT now(),
        destroyed_at timestamptz,
        CHECK ((key IS NULL) = (destroyed_at IS NOT NULL))
      )`,
  ];
}

/** Migration 011_data_keys (see dataKeysDdl). */
export const dataKeysMigration: Migration = { version: 11, name: 'data_keys', up: dataKeysDdl };

export const keysSchema = (schema: string) => checkSchemaName(`${checkSchemaName(schema)}_keys`);

/**
 * The default key store. Keys are cached in memory for `cacheMs` (a read of many records of few
 * people asks once), at most `cacheSize` people.
 */
export class SqlKeyStore implements KeyStore {
  private readonly cache = new Map<string, { key: Buffer; until: number }>();
  private readonly table: string;

  constructor(private readonly sql: SqlClient, schema = 'samhandling', private readonly options: { cacheSize?: number; cacheMs?: number; now?: () => number } = {}) {
    this.table = `${keysSchema(schema)}.data_keys`;
  }

  /** Creates the schema and table if missing (tests, tools); the apps run the migrations. */
  static async create(sql: SqlClient, schema = 'samhandling', options: ConstructorParameters<typeof SqlKeyStore>[2] = {}): Promise<SqlKeyStore> {
    for (const statement of dataKeysDdl(schema)) await sql.query(statement);
    return new SqlKeyStore(sql, schema, options);
  }

  async keyFor(subjectId: string): Promise<Buffer | undefined> {
    const cached = this.cached(subjectId);
    if (cached) return cached;
    // One statement: the new key if this call made it, else the row that was there (destroyed: NULL).
    const rows = await this.sql.query<{ key: Buffer | Uint8Array | null }>(
      `WITH made AS (INSERT INTO ${this.table} (subject_id, key) VALUES ($1, $2) ON CONFLICT (subject_id) DO NOTHING RETURNING key)
       SELECT key FROM made UNION ALL SELECT key FROM ${this.table} WHERE subject_id = $1 LIMIT 1`,
      [subjectId, randomBytes(DATA_KEY_BYTES)],
    );
    const key = rows[0]?.key;
    return key ? this.remember(subjectId, Buffer.from(key)) : undefined;
  }

  async existingKeys(subjectIds: readonly string[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const id of new Set(subjectIds)) {
      const cached = this.cached(id);
      if (cached) found.set(id, cached);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const rows = await this.sql.query<{ subject_id: string; key: Buffer | Uint8Array }>(
        `SELECT subject_id, key FROM ${this.table} WHERE subject_id = ANY($1::text[]) AND key IS NOT NULL`, [missing]);
      for (const r of rows) found.set(r.subject_id, this.remember(r.subject_id, Buffer.from(r.key)));
    }
    return found;
  }

  private cached(subjectId: string): Buffer | undefined {
    const entry = this.cache.get(subjectId);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.cache.delete(subjectId);
      return undefined;
    }
    return entry.key;
  }

  private remember(subjectId: string, key: Buffer): Buffer {
    this.cache.delete(subjectId);
    this.cache.set(subjectId, { key, until: this.now() + (this.options.cacheMs ?? 30_000) });
    const size = this.options.cacheSize ?? 10_000;
    while (this.cache.size > size) this.cache.delete(this.cache.keys().next().value as string);
    return key;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
