import { checkSchemaName, type Migration } from '@samhandling/event-store';
import { REFERRAL_BOARD } from './referral-board.projection';
import { REFERRAL_DEADLINES } from './referral-deadlines.projection';

/** `<schema>.projection_state`: one jsonb state per (projection, key) (projection-state.table.ts). */
export const projectionStateTableDdl = (schema: string): string => `CREATE TABLE IF NOT EXISTS ${checkSchemaName(schema)}.projection_state (
        projection text   NOT NULL,
        key        text   NOT NULL,
        state      jsonb  NOT NULL,
        position   bigint NOT NULL,
        PRIMARY KEY (projection, key)
      )`;

/** Open referral deadlines by due time, for the scheduler's tick (referral-deadlines.query.ts). */
export const openDeadlinesIndexDdl = (schema: string): string =>
  `CREATE INDEX IF NOT EXISTS projection_state_open_referral_deadlines ON ${checkSchemaName(schema)}.projection_state ((state->>'dueAt'))
          WHERE projection = '${REFERRAL_DEADLINES}' AND state->>'status' = 'open'`;

/**
 * Migration 003_projection_state, as v0.1.0 created it (the index only once the scheduler had
 * started; IF NOT EXISTS either way). One version of the whole schema's list (@samhandling/schema).
 */
export const projectionStateMigration: Migration = {
  version: 3,
  name: 'projection_state',
  up: (schema) => [`CREATE SCHEMA IF NOT EXISTS ${checkSchemaName(schema)}`, projectionStateTableDdl(schema), openDeadlinesIndexDdl(schema)],
};

/** A board's referrals by the agency on each side (referral-board.query.ts): one row per referral since migration 7. */
export const referralBoardIndexDdl = (schema: string): string[] =>
  (['to', 'from'] as const).map(
    (party) => `CREATE INDEX IF NOT EXISTS projection_state_referral_board_${party} ON ${checkSchemaName(schema)}.projection_state ((state->>'${party}'))
          WHERE projection = '${REFERRAL_BOARD}'`,
  );

/**
 * Migration 007_referral_board_by_referral: the referral board keeps one row per referral
 * (projection version 2: the runtime's first start drops the rows the old board kept per agency
 * and folds the log again), found per agency through these indexes.
 */
export const referralBoardMigration: Migration = {
  version: 7,
  name: 'referral_board_by_referral',
  up: (schema) => [...referralBoardIndexDdl(schema)],
};
