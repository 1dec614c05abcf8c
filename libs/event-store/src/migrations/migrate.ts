import { checkSchemaName, withDdlLock, type SqlClient, type SqlExecutor } from '../sql/sql-client';
import { checkMigrationList, migrationChecksum, migrationLabel, type Migration } from './migration';

/**
 * Our own runner rather than a migration tool: the tools we looked at (node-pg-migrate,
 * graphile-migrate, Knex, umzug with a pg adapter) each talk to `pg` or a connection string of
 * their own, none runs on PGlite in-process, and none goes through our SqlClient — which both
 * drivers implement and which already carries the installation-wide DDL lock. What we need is
 * small: an ordered list, a table of what ran, one transaction per step under that lock.
 */

/** The schema holds a version this build has no migration for: a newer release wrote it. */
export class SchemaTooNewError extends Error {
  readonly code = 'SCHEMA.TOO_NEW';
  constructor(readonly recorded: number, readonly known: number) {
    super(`schema version ${recorded} is newer than this build knows (${known}); upgrade Samhandling before starting it`);
    this.name = 'SchemaTooNewError';
  }
}

/** A step recorded as applied differs from the one this build carries (edited after release). */
export class MigrationMismatchError extends Error {
  readonly code = 'SCHEMA.MIGRATION_CHANGED';
  constructor(message: string) {
    super(message);
    this.name = 'MigrationMismatchError';
  }
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  appliedAt: string;
}

export interface MigrationOutcome {
  /** Version recorded before this run (0: none, e.g. a new database or one made by v0.1.0). */
  from: number;
  to: number;
  applied: string[];
}

const table = (s: string) => `${s}.schema_migrations`;

async function ensureTable(tx: SqlExecutor, s: string): Promise<void> {
  await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await tx.query(`CREATE TABLE IF NOT EXISTS ${table(s)} (
    version    integer     PRIMARY KEY,
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
}

async function readApplied(q: SqlExecutor, s: string): Promise<AppliedMigration[]> {
  const rows = await q.query<{ version: number; name: string; checksum: string; applied_at: Date | string }>(
    `SELECT version, name, checksum, applied_at FROM ${table(s)} ORDER BY version`,
  );
  return rows.map((r) => ({ version: Number(r.version), name: r.name, checksum: r.checksum, appliedAt: new Date(r.applied_at).toISOString() }));
}

/** What the schema records, without changing anything; empty when it has no migrations table. */
export async function appliedMigrations(sql: SqlClient, schema: string): Promise<AppliedMigration[]> {
  const s = checkSchemaName(schema);
  const [{ present }] = await sql.query<{ present: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS present`, [`${s}.schema_migrations`],
  );
  return present ? readApplied(sql, s) : [];
}

/** Refuses a schema a newer build wrote, and steps whose SQL differs from what was applied. */
function checkApplied(applied: readonly AppliedMigration[], migrations: readonly Migration[]): void {
  const newest = applied.reduce((max, a) => Math.max(max, a.version), 0);
  if (newest > migrations.length) throw new SchemaTooNewError(newest, migrations.length);
  for (const a of applied) {
    const m = migrations[a.version - 1];
    const checksum = migrationChecksum(m);
    if (a.checksum !== checksum) {
      throw new MigrationMismatchError(
        `migration ${migrationLabel(m)} was applied with other SQL (checksum ${a.checksum.slice(0, 12)}…, this build has ${checksum.slice(0, 12)}…): a released migration must not be edited; add a new one instead`,
      );
    }
  }
}

/**
 * Brings `schema` up to the newest migration in `migrations` (the whole schema's one list).
 * Each step runs in its own transaction under the DDL lock and is recorded in the same
 * transaction, so a step is applied whole or not at all, and processes starting at once (API and
 * relay) apply each step once: the one that waits sees, once it holds the lock, what the other
 * recorded. A schema without `schema_migrations` (a v0.1.0 database) is adopted: the baseline
 * steps are written to be no-ops on what v0.1.0 created, and are then recorded as applied.
 */
export async function migrateSchema(
  sql: SqlClient, schema: string, migrations: readonly Migration[], options: { log?: (message: string) => void } = {},
): Promise<MigrationOutcome> {
  checkMigrationList(migrations);
  const s = checkSchemaName(schema);
  let from: number | undefined;
  const applied: string[] = [];
  for (;;) {
    const next = await withDdlLock(sql, async (tx) => {
      await ensureTable(tx, s);
      const done = await readApplied(tx, s);
      checkApplied(done, migrations);
      from ??= done.reduce((max, a) => Math.max(max, a.version), 0);
      const pending = migrations.find((m) => !done.some((a) => a.version === m.version));
      if (!pending) return undefined;
      for (const statement of pending.up(s)) await tx.query(statement);
      await tx.query(`INSERT INTO ${table(s)} (version, name, checksum) VALUES ($1, $2, $3)`, [pending.version, pending.name, migrationChecksum(pending)]);
      return pending;
    });
    if (!next) break;
    applied.push(migrationLabel(next));
    options.log?.(`schema ${s}: applied migration ${migrationLabel(next)}`);
  }
  return { from: from ?? 0, to: migrations.length, applied };
}
