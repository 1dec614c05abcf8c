/**
 * The rules AgencyPolicy.build derives from the person's state, beyond a catalog entry's own: the
 * identity beside a signal, what a consent can be relied on for, a designated coordinator's metadata.
 */
import type { MongoAbility, RawRuleOf } from '@casl/ability';
import { consentStatusAt, recipientCovers, type AgencyKind, type DataCategory, type Purpose } from '@samhandling/domain';
import type { Basis } from './basis';
import { relianceOn, type Reliance } from './consent-reliance';
import type { LegalBasisCatalog } from './catalog/legal-basis-catalog';
import type { CitedEntry } from './catalog/catalog.types';
import type { AgencyRef } from './agency-policy.types';
import type { SubjectPolicyState } from './subject-policy-state';

/** A rule of AgencyPolicy's CASL ability. */
export type Rule = RawRuleOf<MongoAbility>;

/**
 * An entry that opens on a signal (requiresCategory: the duty to notify child welfare of a
 * concern) lets the recipient know whom the signal is about: once an agency the entry lets
 * disclose has recorded something carrying the signal, the person's identity record (held by such
 * an agency) may be read on the same entry — if the entry lists identity. Without a signal, nothing.
 */
export function identityWithSignal(e: CitedEntry, state: SubjectPolicyState, from: string[] | undefined, reason: string): Rule[] {
  if (!e.requiresCategory || (e.categories !== '*' && !e.categories.includes('identity'))) return [];
  const raisers = Object.keys(state.raised?.[e.requiresCategory] ?? {});
  if (!raisers.some((a) => from === undefined || from.includes(a))) return [];
  return [{ action: 'read', subject: 'Record', fields: ['identity'], conditions: { kind: 'identity', ...(from ? { ownerAgency: { $in: from } } : {}) }, reason }];
}

/** What a coordinator sees on its designation alone: that contacts and referrals exist, never their content. */
export const COORDINATION_CATEGORIES: readonly DataCategory[] = ['contact_log', 'referral'];
/** ...and only to coordinate and follow up, not for its own casework. */
export const COORDINATION_PURPOSES: readonly Purpose[] = ['coordination', 'follow_up'];

/**
 * A consent's rules for the records of the disclosers that can rely on it: every category it
 * names for its recorder and those that confirmed it; the categories its evidence suffices for
 * for every other discloser but those that rejected it.
 */
export function reliedRules(categories: readonly DataCategory[], reliance: Reliance, reason: string): Rule[] {
  const rules: Rule[] = [{ action: 'read', subject: 'Record', fields: [...categories], conditions: { ownerAgency: { $in: [...reliance.reliers] } }, reason }];
  if (reliance.assured.length > 0) {
    const conditions = reliance.rejecters.length > 0 ? { conditions: { ownerAgency: { $nin: [...reliance.rejecters] } } } : {};
    rules.push({ action: 'read', subject: 'Record', fields: [...reliance.assured], ...conditions, reason });
  }
  return rules;
}

/**
 * The designated coordinator's metadata rules, while its designation holds: a designation on
 * consent ends when that consent is withdrawn or expires (or names another agency), and reaches
 * only the records of disclosers that can rely on that consent; one on a legal basis needs that
 * entry in force for the coordinator's kind.
 */
export function coordinationRules(catalog: LegalBasisCatalog, state: SubjectPolicyState, me: AgencyRef, at: string, agencies: readonly AgencyRef[]): Rule[] {
  const designation = state.coordinator;
  if (!designation || designation.agency !== me.id) return [];
  const basis = designation.basis;
  const reason = JSON.stringify({ kind: 'coordination', agency: me.id, designationBasis: basis } satisfies Basis);
  if (basis.kind === 'consent') {
    const consent = state.consent.consents[basis.consentId];
    if (!consent || consent.decision !== 'permit' || consentStatusAt(consent, at) !== 'active') return [];
    if (!consent.recipients.some((r) => recipientCovers(r, me.id, me.kind))) return [];
    return reliedRules(COORDINATION_CATEGORIES, relianceOn({ ...consent, categories: [...COORDINATION_CATEGORIES] }, catalog, agencies), reason);
  }
  if (!catalog.current().some((e) => e.id === basis.entryId && (e.to === '*' || (e.to as AgencyKind[]).includes(me.kind)))) return [];
  return [{ action: 'read', subject: 'Record', fields: [...COORDINATION_CATEGORIES], reason }];
}
