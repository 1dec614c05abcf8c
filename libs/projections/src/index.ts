/** The public entry of @samhandling/projections: the runtime, the Projection contract, the built-in read models. */
export type { Projection, KeyContext, ReferralRoute, Labelled } from './projection';
export { ProjectionRuntime, type ProjectionRuntimeOptions } from './projection-runtime';
export { checkpointName } from './projection-checkpoints';
export { BUILT_IN_PROJECTIONS } from './built-in-projections';
export { checkCustomDefinition, type CustomProjectionDefinition, type CustomEvent } from './custom/custom-definition';
export { customProjection, type CustomState, type ContributingRecord } from './custom/custom-projection';

export {
  personOverviewProjection,
  PERSON_OVERVIEW_FIELD_CATEGORIES,
  type PersonOverview,
  type OverviewIdentity,
  type OverviewResidence,
  type OverviewHouseholdLink,
  type OverviewContact,
  type OverviewReferral,
  type OverviewConsent,
} from './person-overview.projection';
export { contactHistoryProjection, type ContactHistory, type ContactEntry } from './contact-history.projection';
export { referralBoardProjection, REFERRAL_BOARD, type BoardEntry, type BoardReferral, type BoardEscalation } from './referral-board.projection';
export { ReferralBoardQueries, BOARD_SIDES, type BoardSide, type BoardCursor, type BoardPage } from './referral-board.query';
export { consentRegistryProjection, type ConsentRegistry, type RegisteredConsent, type ConsentHistoryEntry } from './consent-registry.projection';
export {
  referralDeadlinesProjection,
  REFERRAL_DEADLINES,
  deadlineKey,
  coordinatorKey,
  type ReferralDeadlinesState,
  type ReferralDeadlineRow,
  type SubjectCoordinator,
  type DeadlineStatus,
} from './referral-deadlines.projection';
export { ReferralDeadlineQueries, type DueDeadline } from './referral-deadlines.query';
export { projectionStateMigration, referralBoardMigration } from './projection-state.migration';
export { ProjectionSet, type Freshness } from './projection-set';
