/** The injection token of the API's ProjectionSet: its projections, the policy state in a lane of its own (reads/reads.providers.ts). */
export const PROJECTIONS = Symbol('PROJECTIONS');
