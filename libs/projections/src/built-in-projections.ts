import { consentRegistryProjection } from './consent-registry.projection';
import { contactHistoryProjection } from './contact-history.projection';
import { personOverviewProjection } from './person-overview.projection';
import type { Projection } from './projection';
import { referralBoardProjection } from './referral-board.projection';
import { referralDeadlinesProjection } from './referral-deadlines.projection';

/** The read models the API serves; an integrator's own projections join these in one runtime. */
export const BUILT_IN_PROJECTIONS: readonly Projection<any>[] = [
  personOverviewProjection,
  contactHistoryProjection,
  referralBoardProjection,
  consentRegistryProjection,
  // Not read by agencies: the deadline scheduler's view of what is due.
  referralDeadlinesProjection,
];
