import { Inject, Injectable } from '@nestjs/common';
import { consentStatusAt, type ConsentRecord } from '@samhandling/domain';
import { POLICY_STATE, canRelyOn, LegalBasisCatalog, relianceOn, type SubjectPolicyState } from '@samhandling/policy';
import type { ProjectionSet } from '@samhandling/projections';
import { AgencyDirectory } from '@samhandling/config';
import { PROJECTIONS } from '../reads/reads.providers';

export interface PendingConsent {
  subjectId: string;
  consentId: string;
  recordedBy: string | null;
  recipients: ConsentRecord['recipients'];
  categories: ConsentRecord['categories'];
  purposes: ConsentRecord['purposes'];
  validFrom: string;
  validUntil?: string;
  assurance: ConsentRecord['assurance'] | null;
  /** Categories the caller's records would be disclosed in only once it confirms. */
  awaitingConfirmation: ConsentRecord['categories'];
}

/**
 * A discloser's pending consents: active permits about people it holds records on, recorded by
 * another agency, naming someone besides itself, that it has neither confirmed nor rejected and
 * cannot yet rely on for every category they name. Recipients of its records wait on its answer.
 */
@Injectable()
export class PendingConsents {
  constructor(
    @Inject(PROJECTIONS) private readonly runtime: ProjectionSet,
    private readonly catalog: LegalBasisCatalog,
    private readonly directory: AgencyDirectory,
  ) {}

  async of(agency: string, after: string | undefined, limit: number, now = new Date().toISOString()) {
    await this.runtime.catchUp([POLICY_STATE]);
    const rows = await this.runtime.containing<SubjectPolicyState>(POLICY_STATE, 'involved', { [agency]: true }, after ?? '', limit);
    const agencies = this.directory.all();
    const pending: PendingConsent[] = [];
    for (const { key, state } of rows) {
      for (const [consentId, c] of Object.entries(state.consent.consents)) {
        if (c.decision !== 'permit' || c.recordedBy === agency || c.confirmations?.[agency] !== undefined) continue;
        const status = consentStatusAt(c, now);
        if (status === 'withdrawn' || status === 'expired') continue;
        if (c.recipients.every((r) => 'agency' in r && r.agency === agency)) continue;
        const reliance = relianceOn(c, this.catalog, agencies);
        const awaiting = c.categories.filter((cat) => !canRelyOn(reliance, agency, cat));
        if (awaiting.length === 0) continue;
        pending.push({
          subjectId: key, consentId, recordedBy: c.recordedBy ?? null, recipients: c.recipients, categories: c.categories, purposes: c.purposes,
          validFrom: c.validFrom, ...(c.validUntil !== undefined ? { validUntil: c.validUntil } : {}), assurance: c.assurance ?? null, awaitingConfirmation: awaiting,
        });
      }
    }
    // A full page may have more behind it; the next page starts after the last person scanned.
    return { pending, next: rows.length === limit ? rows[rows.length - 1].key : null };
  }
}
