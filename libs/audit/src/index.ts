export * from './disclosure';
export * from './canonical-json';
export { DisclosureLog, type ChainedDisclosure, type ChainVerification } from './disclosure-log';
export { basisPatterns, type AuditScope, type DisclosureFilter, type PageRequest } from './disclosure-query';
export { scopedVerification, type ScopedChainVerification } from './scoped-verification';
export { AuditTrail, type AuditPage, type AuditRecord, type Officer, type Postponement, type Review } from './audit-trail';
export { buildAccessReport, explainBasis, renderAccessReportText, type AccessReport, type AccessReportEntry, type AccessReportInput, type ExplainedBasis } from './access-report';
export { PURPOSE_TEXT, CATEGORY_TEXT, purposeText, categoryText, projectionText } from './plain-language';
export { toAuditEvent, basisUri, fhirBundleParts, fhirBundleEntry, type FhirAuditEvent } from './fhir-audit-event';
