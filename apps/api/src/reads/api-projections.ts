import { POLICY_STATE, policyStateProjection } from '@samhandling/policy';
import { BUILT_IN_PROJECTIONS, type Projection } from '@samhandling/projections';

/** The projections the API folds, by name: the read models and the policy's own state (also what `samhandling projections rebuild` knows). */
export const API_PROJECTIONS: readonly Projection<any>[] = [...BUILT_IN_PROJECTIONS, policyStateProjection];

/** The policy's own state folds in a lane of its own: every decision waits for it, and no read model may hold it back. */
export { POLICY_STATE };
export const API_PROJECTION_LANES: ReadonlyArray<readonly Projection<any>[]> = [[policyStateProjection], BUILT_IN_PROJECTIONS];

/** What `GET /subjects/:id/projections/:projection` reads besides the custom projections (coordination is composed, not folded). */
export const READABLE_PROJECTIONS = ['person-overview', 'contact-history', 'consent-registry', 'coordination'] as const;
export type ReadableProjection = (typeof READABLE_PROJECTIONS)[number];

/** Names a custom projection may not take: every projection the API folds or reads. */
export const RESERVED_PROJECTION_NAMES: readonly string[] = [...new Set([...API_PROJECTIONS.map((p) => p.name), ...READABLE_PROJECTIONS])];
