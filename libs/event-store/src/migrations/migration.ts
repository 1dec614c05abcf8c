import { createHash } from 'node:crypto';

/**
 * One forward-only step of the Samhandling schema. `up` renders its statements for the configured
 * schema; they run in one transaction, in order, and the step is recorded in
 * `<schema>.schema_migrations` with the checksum of its SQL. A released step is never edited:
 * a change is a new step with the next version.
 */
export interface Migration {
  /** 1, 2, 3, … across the whole schema, whichever library owns the tables. */
  readonly version: number;
  /** Lower-case words with underscores, e.g. `event_log`; shown as `001_event_log`. */
  readonly name: string;
  up(schema: string): readonly string[];
}

/** The schema name the checksum is taken with, so it does not depend on the configured schema. */
const CHECKSUM_SCHEMA = 'schema_name';

/**
 * sha256 of the step's SQL, with runs of white space collapsed so re-indenting a statement does
 * not count as a change; anything else (an added column, another index) does.
 */
export function migrationChecksum(migration: Migration): string {
  const text = migration.up(CHECKSUM_SCHEMA).map((s) => s.replace(/\s+/g, ' ').trim()).join(';\n');
  return createHash('sha256').update(text).digest('hex');
}

export const migrationLabel = (m: Pick<Migration, 'version' | 'name'>): string => `${String(m.version).padStart(3, '0')}_${m.name}`;

/**
 * The one ordered list: versions 1…n without gaps or repeats, names well-formed. Checked before
 * anything runs, so a list assembled wrongly from several libraries never reaches a database.
 */
export function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`Migration list out of order: position ${i + 1} holds ${migrationLabel(m)}; versions must run 1, 2, 3, … without gaps or repeats`);
    }
    if (!/^[a-z][a-z0-9_]*$/.test(m.name)) throw new Error(`Migration ${m.version} has an invalid name ${JSON.stringify(m.name)}`);
  });
}
