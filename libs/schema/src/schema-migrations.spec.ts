import { checkMigrationList, migrationChecksum, migrationLabel } from '@samhandling/event-store';
import { LATEST_SCHEMA_VERSION, SCHEMA_MIGRATIONS } from './schema-migrations';

/**
 * Released migrations are frozen: a database that ran one has its checksum, and a build whose SQL
 * differs refuses to start there. Pinning them here makes an accidental edit fail at once, not on
 * an operator's upgrade. A new migration adds a line; no line ever changes.
 */
const RELEASED: Array<[string, string]> = [
  ['001_event_log', '328095af2418beb47f79760558c2cec7f3f36c068a8c43a20890bda79f0bfd9c'],
  ['002_audit', '413cde48f9a4e7007fd51c26f4e8093457858eb39883c871c22bc946478f8190'],
  ['003_projection_state', 'd0309d6d46f2a4459cfe604463895ef8e0c827dae3fc2780f92143a27913fa49'],
  ['004_feed', '412877db0e6cf2de00f0dbd3f32730c98f62c6cbd22b5f06ab820e6a4d21ce25'],
  ['005_retire_legacy_append_batch', '9d53a5fe3659402dd7916b49a7369e3539f25345d3c1d7b32ef6619cb873715e'],
];

describe('the schema migration list', () => {
  it('runs 1, 2, 3, … without gaps or repeats', () => {
    expect(() => checkMigrationList(SCHEMA_MIGRATIONS)).not.toThrow();
    expect(LATEST_SCHEMA_VERSION).toBe(SCHEMA_MIGRATIONS.length);
  });

  it('keeps every released migration exactly as it was released', () => {
    const current = SCHEMA_MIGRATIONS.map((m) => [migrationLabel(m), migrationChecksum(m)]);
    expect(current.slice(0, RELEASED.length)).toEqual(RELEASED);
  });
});
