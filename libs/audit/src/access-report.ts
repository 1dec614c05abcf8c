import { basisKey, type Basis, type LegalBasisCatalog } from '@samhandling/policy';
import type { AuditRecord } from './audit-trail';
import { renderConsentLines, reportConsents, type ConsentReportInput, type ReportConsent } from './access-report-consents';
import { categoryText, projectionText, purposeText } from './plain-language';

export interface ExplainedBasis {
  id: string;
  /** What the person is told (the catalog's plainLanguage, as cited). */
  text: string;
  title?: string;
  law?: string;
  version?: string;
}

export interface AccessReportEntry {
  disclosureId: string;
  when: string;
  kind: 'read' | 'delivery' | 'emergency_access';
  from: Array<{ agency: string; name: string }>;
  what: string;
  details: { projection?: string; fields?: string[]; eventIds?: string[] };
  categories: Array<{ code: string; text: string }>;
  purpose: { code: string; text: string };
  bases: ExplainedBasis[];
  /** Break-glass: the written justification the recipient gave. */
  justification?: string;
  /** Officer view only: why the person's notice is postponed, and until when. */
  postponed?: { reason: string; visibleFrom: string };
}

export interface AccessReport {
  subjectId: string;
  preparedAt: string;
  preparedBy: { agency: string; name: string };
  /** Which disclosures the report can cover (the preparing officer's scope). */
  covers: string;
  view: 'person' | 'officer';
  /** Whom the person can turn to: their designated coordinator, if they have one. */
  coordinator?: ReportCoordinator;
  /** Every consent and objection on record: who recorded it, and who confirmed or rejected relying on it. */
  consents: ReportConsent[];
  disclosures: number;
  recipients: Array<{ agency: string; name: string; entries: AccessReportEntry[] }>;
}

export interface ReportCoordinator {
  agency: string;
  name: string;
  caseworker?: string;
  since: string;
}

export interface AccessReportInput {
  subjectId: string;
  /** Every recorded disclosure about the person within scope, in chain order. */
  records: readonly AuditRecord[];
  catalog: LegalBasisCatalog;
  agencyName(agencyId: string): string;
  preparedBy: string;
  covers: string;
  now: string;
  /** The officer's view: postponed entries shown, with reason and date. */
  includePostponed: boolean;
  coordinator?: { agency: string; caseworker?: string; since: string };
  consents?: readonly ConsentReportInput[];
}

/**
 * What was disclosed about one person (GDPR art. 15(1)(c)): grouped by recipient, in plain words.
 * Refusals are left out — nothing was disclosed. Entries whose notice is postponed stay out of
 * the person's view until their date, and nothing in it hints that they exist.
 */
export function buildAccessReport(input: AccessReportInput): AccessReport {
  const now = Date.parse(input.now);
  const byRecipient = new Map<string, AccessReportEntry[]>();
  for (const record of input.records) {
    const d = record.disclosure;
    if (d.kind === 'denial' || d.subjectId !== input.subjectId) continue;
    const postponed = record.postponement && Date.parse(record.postponement.visibleFrom) > now ? record.postponement : undefined;
    if (postponed && !input.includePostponed) continue;
    const from = d.disclosers.map((agency) => ({ agency, name: input.agencyName(agency) }));
    const entry: AccessReportEntry = {
      disclosureId: d.id,
      when: d.occurredAt,
      kind: d.kind === 'break_glass' ? 'emergency_access' : d.kind === 'push' ? 'delivery' : 'read',
      from,
      what: d.projection ? projectionText(d.projection) : `${d.eventIds?.length ?? 0} recorded event(s)`,
      details: { ...(d.projection ? { projection: d.projection } : {}), ...(d.fields ? { fields: d.fields } : {}), ...(d.eventIds ? { eventIds: d.eventIds } : {}) },
      categories: d.categories.map((code) => ({ code, text: categoryText(code) })),
      purpose: { code: d.purpose, text: purposeText(d.purpose) },
      bases: d.bases.map((b) => explainBasis(b, input.catalog, from.map((f) => f.name))),
      ...(d.kind === 'break_glass' && d.justification ? { justification: d.justification } : {}),
      ...(postponed ? { postponed: { reason: postponed.reason, visibleFrom: postponed.visibleFrom } } : {}),
    };
    byRecipient.set(d.recipient.agency, [...(byRecipient.get(d.recipient.agency) ?? []), entry]);
  }
  const recipients = [...byRecipient].map(([agency, entries]) => ({ agency, name: input.agencyName(agency), entries }))
    .sort((a, b) => a.name.localeCompare(b.name, 'nb'));
  return {
    subjectId: input.subjectId, preparedAt: input.now,
    preparedBy: { agency: input.preparedBy, name: input.agencyName(input.preparedBy) },
    covers: input.covers, view: input.includePostponed ? 'officer' : 'person',
    ...(input.coordinator ? { coordinator: { ...input.coordinator, name: input.agencyName(input.coordinator.agency) } } : {}),
    consents: reportConsents(input.consents ?? [], input.agencyName),
    disclosures: recipients.reduce((n, r) => n + r.entries.length, 0), recipients,
  };
}

/** A basis as the person reads it; catalog.cited keeps old versions explainable in their own words. */
export function explainBasis(basis: Basis, catalog: LegalBasisCatalog, fromNames: readonly string[] = []): ExplainedBasis {
  const id = basisKey(basis);
  switch (basis.kind) {
    case 'own':
      return { id, text: "The service's own record." };
    case 'legal':
    case 'consent': {
      const entry = catalog.cited(basis.entryId, basis.version);
      if (!entry) return { id, text: `Basis ${basis.entryId} of catalog version ${basis.version}, which this installation no longer holds; ask the privacy officer.`, version: basis.version };
      return { id, text: entry.plainLanguage, title: entry.title, law: entry.law, version: entry.version };
    }
    case 'referral': {
      // A referral names its basis without a catalog version: it is explained by the current one.
      const inner = basis.referralBasis;
      const entry = catalog.cited(inner.kind === 'consent' ? 'consent' : inner.entryId, catalog.currentVersion);
      const sender = fromNames.length > 0 ? fromNames.join(' and ') : 'another service';
      const why = entry ? entry.plainLanguage : `basis ${inner.kind === 'consent' ? `consent ${inner.consentId}` : inner.entryId}`;
      return { id, text: `Sent with a referral from ${sender}, on this basis: ${why}`, ...(entry ? { title: entry.title, law: entry.law, version: entry.version } : {}) };
    }
    case 'coordination': {
      const inner = basis.designationBasis;
      const entry = catalog.cited(inner.kind === 'consent' ? 'consent' : inner.entryId, catalog.currentVersion);
      const why = entry ? entry.plainLanguage : `basis ${inner.kind === 'consent' ? `consent ${inner.consentId}` : inner.entryId}`;
      return {
        id, text: `This service is your coordinator: it saw which services you are in contact with and how referrals stand, not what was said. It was made your coordinator on this basis: ${why}`,
        ...(entry ? { title: entry.title, law: entry.law, version: entry.version } : {}),
      };
    }
  }
}

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The report as plain text, for printing or reading aloud with an interpreter. */
export function renderAccessReportText(report: AccessReport): string {
  const lines = [
    'ACCESS REPORT — information shared about you between public services',
    `Person: ${report.subjectId}`,
    `Prepared ${when(report.preparedAt)} by ${report.preparedBy.name}`,
    `Covers: ${report.covers}`,
    ...(report.view === 'officer' ? ['OFFICER VIEW: includes entries whose notice to the person is postponed. Do not hand this version to the person.'] : []),
    ...(report.coordinator
      ? [`Your coordinator: ${report.coordinator.name}${report.coordinator.caseworker ? `, ${report.coordinator.caseworker}` : ''} (since ${report.coordinator.since.slice(0, 10)}). Turn to them with questions about your services.`]
      : []),
    '',
    report.disclosures === 0
      ? 'No information about you has been shared.'
      : `${report.disclosures} disclosure(s) to ${report.recipients.length} service(s).`,
    ...renderConsentLines(report.consents ?? []),
  ];
  for (const r of report.recipients) {
    lines.push('', `${r.name} received:`);
    for (const e of r.entries) {
      const from = e.from.length > 0 ? ` from ${e.from.map((f) => f.name).join(', ')}` : '';
      lines.push(`  • ${when(e.when)}: ${e.what}${from}`);
      lines.push(`    What: ${e.categories.map((c) => c.text).join('; ') || '—'}`);
      lines.push(`    Why: ${e.purpose.text}`);
      for (const b of e.bases) lines.push(`    Basis: ${b.text}${b.law ? ` (${b.law}${b.version ? `; catalog ${b.version}` : ''})` : ''}`);
      if (e.kind === 'emergency_access') lines.push(`    Emergency access${e.justification ? `, justified as: "${e.justification}"` : ''}. A privacy officer reviews every emergency access.`);
      if (e.postponed) lines.push(`    NOTICE POSTPONED until ${e.postponed.visibleFrom.slice(0, 10)}: ${e.postponed.reason}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
