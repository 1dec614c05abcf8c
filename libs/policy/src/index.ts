export * from './basis';
export * from './catalog/catalog.types';
export { LegalBasisCatalog, type CatalogOptions, type ApplicableQuery } from './catalog/legal-basis-catalog';
export { loadCatalog } from './catalog/load-catalog';
export * from './subject-policy-state';
export { AgencyPolicy, COORDINATION_CATEGORIES, COORDINATION_PURPOSES, type AgencyRef, type Decision, type DisclosableRecord, type PolicyRequest } from './agency-policy';
export { policyStateProjection } from './policy-state.projection';
export { relianceOn, canRelyOn, namesItsRecorder, type Reliance } from './consent-reliance';
export { WRITER_RULES, writerRefusal, type WriterRule, type WriterRelation, type WriterFacts, type WriterRefusal, type WrittenCommand } from './writer-rules';
