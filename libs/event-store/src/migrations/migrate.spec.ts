import { PgliteSqlClient } from '../sql/pglite.client';
import type { SqlClient } from '../sql/sql-client';
import { SqlEventStore } from '../sql/sql-event-store';
import { eventLogMigration } from './event-log.migrations';
import { appliedMigrations, migrateSchema, MigrationMismatchError, SchemaTooNewError } from './migrate';
import { migrationChecksum, type Migration } from './migration';
import { newEventId } from '../sql/sql-event-store';

const S = 'mig_test';
const step = (version: number, name: string, ...sql: string[]): Migration => ({ version, name, up: (s) => sql.map((x) => x.replaceAll('$S', s)) });
const steps: Migration[] = [
  step(1, 'notes', 'CREATE TABLE $S.notes (id int PRIMARY KEY, body text NOT NULL)'),
  step(2, 'note_author', 'ALTER TABLE $S.notes ADD COLUMN author text'),
  step(3, 'seed', `INSERT INTO $S.notes (id, body) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM $S.notes), 'seeded')`),
];

describe('schema migrations (PGlite)', () => {
  let sql: SqlClient;
  beforeEach(async () => { sql = await PgliteSqlClient.open('memory://'); });
  afterEach(() => sql.close());

  it('applies every step once, in order, and records version, name and checksum', async () => {
    const outcome = await migrateSchema(sql, S, steps);
    expect(outcome).toEqual({ from: 0, to: 3, applied: ['001_notes', '002_note_author', '003_seed'] });
    const applied = await appliedMigrations(sql, S);
    expect(applied.map((a) => [a.version, a.name, a.checksum])).toEqual(steps.map((m) => [m.version, m.name, migrationChecksum(m)]));

    expect(await migrateSchema(sql, S, steps)).toEqual({ from: 3, to: 3, applied: [] });
    expect(await sql.query(`SELECT id, body, author FROM ${S}.notes`)).toEqual([{ id: 1, body: 'seeded', author: null }]);
  });

  it('applies only the steps a schema has not had yet', async () => {
    await migrateSchema(sql, S, steps.slice(0, 1));
    expect(await migrateSchema(sql, S, steps)).toEqual({ from: 1, to: 3, applied: ['002_note_author', '003_seed'] });
  });

  it('refuses a schema a newer build wrote, and changes nothing', async () => {
    await migrateSchema(sql, S, steps.slice(0, 2));
    await sql.query(`INSERT INTO ${S}.schema_migrations (version, name, checksum) VALUES (7, 'from_the_future', 'x')`);
    const attempt = migrateSchema(sql, S, steps);
    await expect(attempt).rejects.toThrow(SchemaTooNewError);
    await expect(attempt).rejects.toThrow('schema version 7 is newer than this build knows (3); upgrade Samhandling before starting it');
    expect(await sql.query(`SELECT * FROM ${S}.notes`)).toEqual([]);
  });

  it('refuses a step whose SQL changed after it was applied', async () => {
    await migrateSchema(sql, S, steps.slice(0, 1));
    const edited = [step(1, 'notes', 'CREATE TABLE $S.notes (id bigint PRIMARY KEY, body text NOT NULL)'), ...steps.slice(1)];
    await expect(migrateSchema(sql, S, edited)).rejects.toThrow(MigrationMismatchError);
    await expect(migrateSchema(sql, S, edited)).rejects.toThrow(/migration 001_notes was applied with other SQL/);
  });

  it('does not count re-indented SQL as a change', () => {
    expect(migrationChecksum(step(1, 'a', 'CREATE TABLE $S.t (\n  id int\n)'))).toBe(migrationChecksum(step(1, 'a', 'CREATE TABLE $S.t ( id int )')));
  });

  it('leaves a failing step unrecorded and undone, keeping the steps before it', async () => {
    const failing = [...steps.slice(0, 2), step(3, 'broken', `INSERT INTO $S.notes (id, body) VALUES (1, 'x')`, 'SELECT no_such_function()')];
    await expect(migrateSchema(sql, S, failing)).rejects.toThrow(/no_such_function/);
    expect((await appliedMigrations(sql, S)).map((a) => a.version)).toEqual([1, 2]);
    expect(await sql.query(`SELECT * FROM ${S}.notes`)).toEqual([]);
  });

  it('refuses a list with a gap or a repeat before touching the database', async () => {
    await expect(migrateSchema(sql, S, [steps[0], steps[2]])).rejects.toThrow(/position 2 holds 003_seed/);
    await expect(migrateSchema(sql, S, [steps[0], steps[0]])).rejects.toThrow(/position 2 holds 001_notes/);
    expect(await appliedMigrations(sql, S)).toEqual([]);
  });

  it('applies each step once when two starts migrate at the same time', async () => {
    await Promise.all([migrateSchema(sql, S, steps), migrateSchema(sql, S, steps)]);
    expect(await sql.query(`SELECT id, body FROM ${S}.notes`)).toEqual([{ id: 1, body: 'seeded' }]);
    expect((await appliedMigrations(sql, S)).map((a) => a.version)).toEqual([1, 2, 3]);
  });

  it('adopts an event log made before migrations existed without touching its events', async () => {
    const store = await SqlEventStore.create(sql, { schema: S });
    await store.append('subject-1', [{ id: newEventId(), type: 'SubjectRegistered', data: { name: 'A' } }]);
    const before = await sql.query(`SELECT * FROM ${S}.events`);
    expect(await migrateSchema(sql, S, [eventLogMigration])).toEqual({ from: 0, to: 1, applied: ['001_event_log'] });
    expect(await sql.query(`SELECT * FROM ${S}.events`)).toEqual(before);
  });
});
