/** The injection token of the API's ProjectionRuntime (provided by reads/reads.providers.ts). */
export const PROJECTIONS = Symbol('PROJECTIONS');
