import { consentStatusAt } from '@samhandling/domain';
import type { ConsentRegistry, ContactHistory, PersonOverview } from '@samhandling/projections';
import type { Disclosing } from './disclose-items';

const present = <T>(xs: Array<T | undefined>): T[] => xs.filter((x): x is T => x !== undefined);
const expiry = (c: { validFrom: string; validUntil?: string; withdrawnAt?: string; status: string }, at: string) =>
  c.status === 'withdrawn' ? 'withdrawn' : consentStatusAt(c, at);

/** Person overview as one agency may see it: each section and item decided on its own. */
export function personOverviewView(s: PersonOverview, d: Disclosing, at: string) {
  const subjectId = s.subjectId;
  const identity = s.identity && d.full('identity', { kind: 'identity', subjectId, ownerAgency: s.identity.ownerAgency, categories: s.identity.categories }, s.identity);
  const residence = s.residence && d.full('residence', {
    kind: 'residence', subjectId, ownerAgency: s.residence.ownerAgency,
    categories: s.residence.familyReunification ? ['residence', 'family_situation'] : ['residence'],
  }, s.residence);
  const household = present(s.household.map((h) => d.full(`household/${h.memberId}`, { kind: 'household', subjectId, ownerAgency: h.ownerAgency, categories: h.categories }, h)));
  const contacts = present(Object.values(s.latestContactPerAgency).map((c) =>
    d.fullOrMetadata(`latestContactPerAgency/${c.ownerAgency}`, { kind: 'contact', subjectId, ownerAgency: c.ownerAgency, categories: c.categories }, c,
      { contactId: c.contactId, ownerAgency: c.ownerAgency, occurredAt: c.occurredAt, channel: c.channel }, [])));
  const openReferrals = present(s.openReferrals.map((r) => d.full(`openReferrals/${r.referralId}`, {
    kind: 'referral', subjectId, ownerAgency: r.ownerAgency, categories: ['referral', ...r.categories], referralId: r.referralId,
  }, r)));
  const consentSummary = present(s.consentSummary.map((c) => d.full(`consentSummary/${c.consentId}`, {
    kind: 'consent', subjectId, ownerAgency: c.ownerAgency, categories: c.categories, consentId: c.consentId,
  }, { ...c, status: expiry(c, at) })));
  // Which agencies are involved is itself information: list only those whose items were shown.
  const involvedAgencies = [...new Set([
    ...(identity ? [identity.ownerAgency] : []), ...contacts.map((c) => c.ownerAgency),
    ...openReferrals.flatMap((r) => [r.from, r.to]), ...household.map((h) => h.ownerAgency),
  ])].sort();
  return {
    subjectId, identity, residence, household, involvedAgencies,
    latestContactPerAgency: Object.fromEntries(contacts.map((c) => [c.ownerAgency, c])),
    openReferrals, consentSummary,
  };
}

export function contactHistoryView(s: ContactHistory, d: Disclosing) {
  return {
    subjectId: s.subjectId,
    contacts: present(s.contacts.map((c) => d.fullOrMetadata(`contacts/${c.contactId}`,
      { kind: 'contact', subjectId: s.subjectId, ownerAgency: c.ownerAgency, categories: c.categories }, c,
      { contactId: c.contactId, ownerAgency: c.ownerAgency, occurredAt: c.occurredAt, channel: c.channel, interpreterUsed: c.interpreterUsed },
      ['summary', 'concerns', 'actor'],
    ))),
  };
}

export function consentRegistryView(s: ConsentRegistry, d: Disclosing, at: string) {
  return {
    subjectId: s.subjectId,
    consents: present(s.consents.map((c) => d.full(`consents/${c.consentId}`,
      { kind: 'consent', subjectId: s.subjectId, ownerAgency: c.ownerAgency, categories: c.categories, consentId: c.consentId },
      { ...c, status: expiry(c, at) }))),
  };
}
