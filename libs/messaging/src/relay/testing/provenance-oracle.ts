import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataCategory, Purpose } from '@samhandling/domain';
import type { AgencyRef, Basis, DisclosableRecord, LegalBasisCatalog } from '@samhandling/policy';
import { kindOf, type Ledger, type LedgerConsent } from './consent-histories';

/**
 * The rule restated from its words, over the ledger (what the history said), not over
 * the policy's fold or its reliance code: a consent unlocks owner O's record of category c for
 * requester R only if O recorded the consent, or O's latest answer to it is a confirmation, or —
 * unless O's latest answer is a rejection, and unless the recorder names itself among the
 * recipients — its evidence has a reference and a SHA-256 and is of a level (written form:
 * written; digital: signed) the catalog's consent entry lists c under.
 */
export const CATALOG_DIR = join(__dirname, '..', '..', '..', '..', 'policy', 'catalog');
const consentEntry = (JSON.parse(readFileSync(join(CATALOG_DIR, '2026-01.json'), 'utf8')) as { entries: Array<{ id: string; reliesWithoutConfirmation?: Record<string, string[]> }> })
  .entries.find((e) => e.id === 'consent')!;

const names = (k: LedgerConsent, agency: string) => k.recipients.some((r) => ('agency' in r ? r.agency === agency : r.agencyKind === kindOf(agency)));
const activeAt = (k: LedgerConsent, t: number) => k.validFrom <= t && t < k.validUntil && t < k.withdrawnAt;
const latestAnswer = (k: LedgerConsent, agency: string) => k.answers.filter((a) => a.agency === agency).at(-1)?.answer;

function evidenceSuffices(k: LedgerConsent, category: DataCategory): boolean {
  const { kind, reference, sha256 } = k.evidence;
  if (reference === undefined || sha256 === undefined) return false;
  const level = kind === 'digital' ? 'signed' : kind === 'written' ? 'written' : 'verbal';
  return (consentEntry.reliesWithoutConfirmation?.[level] ?? []).includes(category);
}

/** Whether `owner` may let its record of `category` go on consent k (provenance alone). */
export function ownerCanRelyOn(k: LedgerConsent, owner: string, category: DataCategory): boolean {
  if (k.recorder === owner) return true;
  const answer = latestAnswer(k, owner);
  if (answer === 'confirmed') return true;
  return answer !== 'rejected' && !names(k, k.recorder) && evidenceSuffices(k, category);
}

export interface Asked {
  requester: AgencyRef;
  record: DisclosableRecord;
  category: DataCategory;
  purpose: Purpose;
  at: string;
}

/** Why a cited basis fails the rule, or undefined when it holds. */
export function basisFault(basis: Basis, q: Asked, ledger: Ledger, catalog: LegalBasisCatalog): string | undefined {
  const { requester: me, record, category, purpose } = q;
  const t = Date.parse(q.at);
  const owner = record.ownerAgency;
  switch (basis.kind) {
    case 'own':
      return owner === me.id ? undefined : 'own basis for another agency\'s record';
    case 'legal': {
      const e = catalog.cited(basis.entryId, basis.version);
      return e && !e.consentRequired ? undefined : `legal basis ${basis.entryId} is not a catalog entry that needs no consent`;
    }
    case 'referral': {
      const r = ledger.referrals.get(basis.referralId);
      return record.kind === 'referral' && record.referralId === basis.referralId && r?.to === me.id ? undefined : `referral ${basis.referralId} is not this record sent to ${me.id}`;
    }
    case 'consent': {
      const k = ledger.consents.get(basis.consentId);
      if (!k || !names(k, me.id)) return `consent ${basis.consentId} does not name ${me.id}`;
      // A consent is shown, as such, to the agencies it names; otherwise a consent record is a record of its owner's like any other.
      if (record.kind === 'consent' && record.consentId === basis.consentId) return undefined;
      if (k.decision !== 'permit' || !activeAt(k, t)) return `consent ${basis.consentId} is not a permit in force`;
      if (!k.categories.includes(category) || !k.purposes.includes(purpose)) return `consent ${basis.consentId} does not cover ${category} for ${purpose}`;
      return ownerCanRelyOn(k, owner, category) ? undefined : `${owner} can not rely on consent ${basis.consentId} for ${category}`;
    }
    case 'coordination': {
      const d = ledger.coordinator;
      if (d?.agency !== me.id || !['contact_log', 'referral'].includes(category) || !['coordination', 'follow_up'].includes(purpose)) return 'not the coordinator\'s metadata';
      if (d.basis.kind === 'legal') return undefined;
      const k = ledger.consents.get(d.basis.consentId);
      if (!k || k.decision !== 'permit' || !activeAt(k, t) || !names(k, me.id)) return `designation consent ${d.basis.consentId} is not a permit in force naming ${me.id}`;
      return ownerCanRelyOn(k, owner, category) ? undefined : `${owner} can not rely on designation consent ${d.basis.consentId} for ${category}`;
    }
  }
}
