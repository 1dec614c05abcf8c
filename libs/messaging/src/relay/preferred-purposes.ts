import type { Purpose, SharingBasis } from '@samhandling/domain';
import type { DisclosableRecord, LegalBasisCatalog, SubjectPolicyState } from '@samhandling/policy';
import type { PolicyTracker } from './policy-tracker';
import { PUSH_PURPOSES } from './recipients';

/**
 * The purposes an event is delivered under, most preferred first; Recipients tries these first
 * and the rest of PUSH_PURPOSES after (for agencies reached on another basis, e.g. a coordinator).
 * Without a preference the first of PUSH_PURPOSES that permits wins, which is right where only
 * the purposes a catalog entry or consent names can permit — but a referral is disclosed to its
 * receiver on the referral itself, under any purpose, and a consent to the agency it names under
 * any of its purposes: both would be recorded (and told to the person) as 'care'. So:
 *   - a referral's events: the purpose its sender declared; else (referrals sent without one, and
 *     before the field existed) the purposes its basis names — the catalog entry's, in the
 *     catalog's order, or the consent's own, in the order the person gave them;
 *   - a consent's events: the consent's own purposes, in the person's order.
 * Everything read is in the log at the event's position, so a replay prefers the same.
 */
export function preferredPurposes(record: DisclosableRecord, tracker: PolicyTracker, state: SubjectPolicyState, catalog: LegalBasisCatalog): readonly Purpose[] {
  if (record.kind === 'referral' && record.referralId !== undefined) {
    const route = tracker.route(record.referralId);
    if (!route) return [];
    if (route.purpose !== undefined && PUSH_PURPOSES.includes(route.purpose)) return [route.purpose];
    return route.basis ? basisPurposes(route.basis, state, catalog) : [];
  }
  if (record.kind === 'consent' && record.consentId !== undefined) return basisPurposes({ kind: 'consent', consentId: record.consentId }, state, catalog);
  return [];
}

function basisPurposes(basis: SharingBasis, state: SubjectPolicyState, catalog: LegalBasisCatalog): readonly Purpose[] {
  const named = basis.kind === 'legal'
    ? catalog.current().find((e) => e.id === basis.entryId)?.purposes
    : state.consent.consents[basis.consentId]?.purposes;
  return Array.isArray(named) ? named.filter((p) => PUSH_PURPOSES.includes(p)) : [];
}
