import { arrayOf, bool, ref, str, type EventSchemas, type JsonSchema } from '../shared/schema';
import type { ConsentEvent } from './consent.events';

const SHA256 = '^[0-9a-f]{64}$';
const evidence = (sha256: JsonSchema): JsonSchema => ({
  type: 'object',
  required: ['kind'],
  properties: { kind: { type: 'string', enum: ['written', 'verbal', 'digital'] }, reference: str, sha256 },
});

/** Consents and what disclosers make of them, as agencies receive them. */
export const CONSENT_EVENT_SCHEMAS: EventSchemas<ConsentEvent> = {
  ConsentGiven: {
    type: 'object',
    required: ['consentId', 'subjectId', 'decision', 'grantor', 'recipients', 'categories', 'purposes', 'validFrom', 'evidence', 'interpreterUsed', 'recordedBy', 'recordedAt'],
    properties: {
      consentId: ref('Uuid'),
      subjectId: ref('Uuid'),
      decision: { type: 'string', enum: ['permit', 'deny'], description: 'deny records an objection, which beats any permit' },
      grantor: { type: 'object', required: ['kind'], properties: { kind: { type: 'string', enum: ['self', 'guardian', 'representative'] }, name: str } },
      recipients: arrayOf({
        oneOf: [
          { type: 'object', required: ['agency'], properties: { agency: ref('AgencyId') } },
          { type: 'object', required: ['agencyKind'], properties: { agencyKind: ref('AgencyKind') } },
        ],
      }),
      categories: arrayOf(ref('DataCategory')),
      purposes: arrayOf(ref('Purpose')),
      validFrom: ref('Instant'),
      validUntil: ref('Instant'),
      evidence: evidence({ type: 'string', pattern: SHA256, description: 'SHA-256 of the form or signed file; with reference it raises the assurance level' }),
      interpreterUsed: bool,
      interpreterLanguage: str,
      recordedBy: ref('AgencyId'),
      recordedAt: ref('Instant'),
    },
  },
  ConsentWithdrawn: {
    type: 'object',
    required: ['consentId', 'subjectId', 'withdrawnBy', 'withdrawnAt'],
    properties: {
      consentId: ref('Uuid'),
      subjectId: ref('Uuid'),
      reason: str,
      withdrawnBy: ref('AgencyId'),
      withdrawnAt: ref('Instant'),
      evidence: evidence({ type: 'string', pattern: SHA256 }),
    },
  },
  ConsentConfirmed: {
    type: 'object',
    required: ['consentId', 'subjectId', 'confirmedBy', 'confirmedAt'],
    properties: { consentId: ref('Uuid'), subjectId: ref('Uuid'), note: str, confirmedBy: ref('AgencyId'), confirmedAt: ref('Instant') },
  },
  ConsentRejected: {
    type: 'object',
    required: ['consentId', 'subjectId', 'reason', 'rejectedBy', 'rejectedAt'],
    properties: { consentId: ref('Uuid'), subjectId: ref('Uuid'), reason: str, rejectedBy: ref('AgencyId'), rejectedAt: ref('Instant') },
  },
};
