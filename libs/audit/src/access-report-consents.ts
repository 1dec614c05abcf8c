import type { ConsentDecision, ConsentRecipient, DataCategory, Purpose } from '@samhandling/domain';
import { categoryText, purposeText } from './plain-language';

/**
 * A consent (or objection) as the person's access report shows it: a consent lifts a service's
 * duty of confidentiality only if that service recorded or confirmed it, so the person is told
 * who recorded each consent and who confirmed (or rejected) relying on it — the people to ask
 * if they never gave it.
 */
export interface ReportConsent {
  consentId: string;
  decision: ConsentDecision;
  status: 'active' | 'withdrawn';
  recipients: string[];
  categories: Array<{ code: DataCategory; text: string }>;
  purposes: Array<{ code: Purpose; text: string }>;
  validFrom: string;
  validUntil?: string;
  recordedBy: ReportActor;
  confirmedBy: ReportActor[];
  rejectedBy: ReportActor[];
  withdrawnBy?: ReportActor;
}

export interface ReportActor {
  agency: string;
  name: string;
  at: string;
}

/** What the report needs of a consent: its terms and its history in log order (the consent registry's shape). */
export interface ConsentReportInput {
  consentId: string;
  decision: ConsentDecision;
  status: 'active' | 'withdrawn';
  recipients: readonly ConsentRecipient[];
  categories: readonly DataCategory[];
  purposes: readonly Purpose[];
  validFrom: string;
  validUntil?: string;
  history: ReadonlyArray<{ kind: 'given' | 'withdrawn' | 'confirmed' | 'rejected'; by: string; at: string }>;
}

export function reportConsents(consents: readonly ConsentReportInput[], agencyName: (id: string) => string): ReportConsent[] {
  return consents.map((c) => {
    const actor = (h: { by: string; at: string }): ReportActor => ({ agency: h.by, name: agencyName(h.by), at: h.at });
    const given = [...c.history].reverse().find((h) => h.kind === 'given');
    // Only each agency's latest answer counts, as in the policy.
    const latest = new Map<string, { kind: string; by: string; at: string }>();
    for (const h of c.history) if (h.kind === 'confirmed' || h.kind === 'rejected') latest.set(h.by, h);
    const answers = [...latest.values()];
    const withdrawn = c.history.find((h) => h.kind === 'withdrawn');
    return {
      consentId: c.consentId, decision: c.decision, status: c.status,
      recipients: c.recipients.map((r) => ('agency' in r ? agencyName(r.agency) : `every service of kind ${r.agencyKind}`)),
      categories: c.categories.map((code) => ({ code, text: categoryText(code) })),
      purposes: c.purposes.map((code) => ({ code, text: purposeText(code) })),
      validFrom: c.validFrom, ...(c.validUntil !== undefined ? { validUntil: c.validUntil } : {}),
      recordedBy: given ? actor(given) : { agency: 'unknown', name: 'unknown', at: c.validFrom },
      confirmedBy: answers.filter((h) => h.kind === 'confirmed').map(actor),
      rejectedBy: answers.filter((h) => h.kind === 'rejected').map(actor),
      ...(withdrawn ? { withdrawnBy: actor(withdrawn) } : {}),
    };
  });
}

const day = (iso: string) => iso.slice(0, 10);

/** The consents section of the plain-text report. */
export function renderConsentLines(consents: readonly ReportConsent[]): string[] {
  if (consents.length === 0) return ['', 'No consent or objection of yours is recorded.'];
  const lines = ['', 'Your consents and objections:'];
  for (const c of consents) {
    const verb = c.decision === 'permit' ? 'Consent to share' : 'Objection to sharing';
    lines.push(`  • ${verb} ${c.categories.map((x) => x.text).join('; ')} with ${c.recipients.join(', ')} (${c.purposes.map((p) => p.text).join('; ')}).`);
    lines.push(`    Recorded by ${c.recordedBy.name} on ${day(c.recordedBy.at)}.`);
    if (c.decision === 'permit') {
      lines.push(c.confirmedBy.length > 0
        ? `    Confirmed by: ${c.confirmedBy.map((a) => `${a.name} on ${day(a.at)}`).join('; ')}.`
        : '    Not confirmed by any other service.');
    }
    if (c.rejectedBy.length > 0) lines.push(`    Not relied on by: ${c.rejectedBy.map((a) => `${a.name} on ${day(a.at)}`).join('; ')}.`);
    if (c.withdrawnBy) lines.push(`    Withdrawn on ${day(c.withdrawnBy.at)}, recorded by ${c.withdrawnBy.name}.`);
  }
  return lines;
}
