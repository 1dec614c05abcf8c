import { policyStateProjection } from '@samhandling/policy';
import { BUILT_IN_PROJECTIONS, type Projection } from '@samhandling/projections';

/** The projections the API folds, by name: the read models and the policy's own state (also what `samhandling projections rebuild` knows). */
export const API_PROJECTIONS: readonly Projection<any>[] = [...BUILT_IN_PROJECTIONS, policyStateProjection];
