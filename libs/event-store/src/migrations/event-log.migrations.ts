import { checkSchemaName } from '../sql/sql-client';
import { schemaDdl } from '../sql/schema';
import type { Migration } from './migration';

/** The log, checkpoints, the immutability trigger and append_batch, as v0.1.0 created them. */
export const eventLogMigration: Migration = {
  version: 1,
  name: 'event_log',
  up: (schema) => schemaDdl(schema),
};

/**
 * Earlier layouts had a one-argument `append_batch(jsonb)`, which v0.1.0 dropped on every start
 * (beside the two-argument one, a one-argument call would be ambiguous). Now once, here: a
 * function holds no data. The old `streams` table (stream heads, derivable from the events) is
 * left where a pre-release database still has one: nothing reads it, and migrations drop nothing
 * that holds data.
 */
export const retireLegacyAppendBatch: Migration = {
  version: 5,
  name: 'retire_legacy_append_batch',
  up: (schema) => [`DROP FUNCTION IF EXISTS ${checkSchemaName(schema)}.append_batch(jsonb)`],
};
