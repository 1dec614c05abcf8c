import type { Basis } from '@samhandling/policy';
import type { ChainedDisclosure } from './disclosure-log';

/** Our identifiers in FHIR: URNs, since these are not resolvable web resources. */
const URN = 'urn:samhandling';
const coding = (system: string, code: string, display?: string) => ({ system, code, ...(display ? { display } : {}) });
const concept = (system: string, code: string, display?: string) => ({ coding: [coding(system, code, display)] });

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const OUTCOME = 'http://terminology.hl7.org/CodeSystem/audit-event-outcome';
const PARTICIPATION = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

/** A basis as a policy URI (AuditEvent.agent.policy): entry and catalog version, or the consent/referral. */
export function basisUri(basis: Basis): string {
  switch (basis.kind) {
    case 'own': return `${URN}:basis:own`;
    case 'legal': return `${URN}:basis:legal:${basis.entryId}@${basis.version}`;
    case 'consent': return `${URN}:basis:consent:${basis.consentId}`;
    case 'referral': return `${URN}:basis:referral:${basis.referralId}`;
    case 'coordination': return `${URN}:basis:coordination:${basis.agency}`;
  }
}

/**
 * One chained disclosure as a FHIR R5 AuditEvent. A pull read is a RESTful `read` (action R);
 * a push delivery is a DICOM "Export" (action C: it creates a copy at the recipient). The
 * recipient is the requesting agent for reads and carries the bases as `policy`; the
 * disclosing agencies are custodians. A refusal is a minor failure with its reason. The chain
 * position and hashes travel in an extension, so an exported event can be matched to the log.
 */
export function toAuditEvent(record: ChainedDisclosure, agencyName: (id: string) => string = (id) => id) {
  const d = record.disclosure;
  const push = d.kind === 'push';
  const purpose = [concept(`${URN}:purpose`, d.purpose), ...(d.kind === 'break_glass' ? [concept(ACT_REASON, 'BTG', 'break the glass')] : [])];
  const labels = d.categories.map((c) => coding(`${URN}:category`, c));
  return {
    resourceType: 'AuditEvent' as const,
    id: d.id,
    extension: [{
      url: `${URN}:disclosure-chain`,
      extension: [{ url: 'seq', valueInteger: record.seq }, { url: 'prevHash', valueString: record.prevHash }, { url: 'hash', valueString: record.hash }],
    }],
    category: [push ? concept(DCM, '110106', 'Export') : concept(EVENT_TYPE, 'rest', 'RESTful Operation')],
    code: push ? concept(DCM, '110106', 'Export') : concept('http://hl7.org/fhir/restful-interaction', 'read', 'read'),
    action: push ? 'C' : 'R',
    severity: d.kind === 'denial' ? 'warning' : d.kind === 'break_glass' ? 'notice' : 'informational',
    occurredDateTime: d.occurredAt,
    recorded: d.occurredAt,
    outcome: d.kind === 'denial'
      ? { code: coding(OUTCOME, '4', 'Minor failure'), detail: [{ coding: [coding(`${URN}:denial-reason`, d.denial ?? 'no_basis')], text: `Refused: ${d.denial ?? 'no_basis'}` }] }
      : { code: coding(OUTCOME, '0', 'Success') },
    authorization: purpose,
    patient: { reference: `Patient/${d.subjectId}` },
    agent: [
      {
        type: concept(PARTICIPATION, 'IRCP', 'information recipient'),
        who: { identifier: { system: `${URN}:agency-actor`, value: `${d.recipient.agency}/${d.recipient.actor}` }, display: `${d.recipient.actor}, ${agencyName(d.recipient.agency)}` },
        requestor: !push,
        policy: d.bases.map(basisUri),
        authorization: purpose,
      },
      ...d.disclosers.map((agency) => ({
        type: concept(PARTICIPATION, 'CST', 'custodian'),
        who: { identifier: { system: `${URN}:agency`, value: agency }, display: agencyName(agency) },
        requestor: push,
      })),
    ],
    source: {
      observer: { identifier: { system: `${URN}:system`, value: 'samhandling' }, display: 'Samhandling disclosure log' },
      type: [concept('http://terminology.hl7.org/CodeSystem/security-source-type', '4', 'Application Server')],
    },
    entity: [
      {
        what: { reference: `Patient/${d.subjectId}`, identifier: { system: `${URN}:subject`, value: d.subjectId } },
        role: concept(OBJECT_ROLE, '1', 'Patient'),
      },
      ...(d.projection ? [{
        what: { identifier: { system: `${URN}:projection`, value: d.projection } },
        role: concept(OBJECT_ROLE, '4', 'Domain Resource'),
        securityLabel: labels,
        detail: [
          { type: { text: 'fields' }, valueString: (d.fields ?? []).join(' ') },
          ...(d.justification ? [{ type: { text: 'justification' }, valueString: d.justification }] : []),
        ],
      }] : []),
      ...(d.eventIds ?? []).map((eventId) => ({
        what: { identifier: { system: `${URN}:event`, value: eventId } },
        role: concept(OBJECT_ROLE, '4', 'Domain Resource'),
        securityLabel: labels,
      })),
    ],
  };
}

export type FhirAuditEvent = ReturnType<typeof toAuditEvent>;

/** The opening and closing of a collection Bundle, so an export can stream its entries between. */
export function fhirBundleParts(timestamp: string): { head: string; separator: string; tail: string } {
  return { head: `{"resourceType":"Bundle","type":"collection","timestamp":${JSON.stringify(timestamp)},"entry":[`, separator: ',', tail: ']}' };
}

export const fhirBundleEntry = (event: FhirAuditEvent) => ({ fullUrl: `urn:uuid:${event.id}`, resource: event });
