import { auditMigration, compactDisclosuresMigration, disclosuresAppendOnlyMigration } from '@samhandling/audit';
import { eventLogMigration, retireLegacyAppendBatch, type Migration } from '@samhandling/event-store';
import { compactFeedMigration, feedMigration, relayPolicyStateMigration } from '@samhandling/messaging';
import { dataKeysMigration } from '@samhandling/privacy';
import { projectionStateMigration, referralBoardMigration } from '@samhandling/projections';

/**
 * The whole Samhandling schema's migrations, in order: ONE list, one version number for the
 * schema, whichever library owns the tables a step touches. Each library exports its steps (a
 * lower library cannot import a higher one, so the list is assembled here, above them all, and
 * both apps import it). 1–4 are the v0.1.0 baseline, written as CREATE … IF NOT EXISTS so that a
 * v0.1.0 database is adopted as it is; from 5 on each step is a change. Append only: a released
 * step is never edited, reordered or removed (the runner compares checksums), see docs/migrations.md.
 */
export const SCHEMA_MIGRATIONS: readonly Migration[] = [
  eventLogMigration,          // 001_event_log
  auditMigration,             // 002_audit
  projectionStateMigration,   // 003_projection_state
  feedMigration,              // 004_feed
  retireLegacyAppendBatch,    // 005_retire_legacy_append_batch
  relayPolicyStateMigration,  // 006_relay_policy_state
  referralBoardMigration,     // 007_referral_board_by_referral
  disclosuresAppendOnlyMigration, // 008_disclosures_append_only
  compactFeedMigration,       // 009_deliveries_compact
  compactDisclosuresMigration, // 010_disclosures_compact
  dataKeysMigration,          // 011_data_keys
];

/** The newest version this build knows; a schema recording a higher one is refused. */
export const LATEST_SCHEMA_VERSION = SCHEMA_MIGRATIONS.length;
