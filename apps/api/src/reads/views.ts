import { consentStatusAt } from '@samhandling/domain';
import { CONTACT_CONTENT_FIELDS } from '@samhandling/policy';
import type { ConsentRegistry, ContactHistory, PersonOverview } from '@samhandling/projections';
import type { Disclosing } from './disclose-items';

const present = <T>(xs: Array<T | undefined>): T[] => xs.filter((x): x is T => x !== undefined);
const expiry = (c: { validFrom: string; validUntil?: string; withdrawnAt?: string; status: string }, at: string) =>
  c.status === 'withdrawn' ? 'withdrawn' : consentStatusAt(c, at);

/** Person overview as one agency may see it: each section and item decided on its own. */
export function personOverviewView(s: PersonOverview, d: Disclosing, at: string) {
  const subjectId = s.subjectId;
  const coordinator = s.coordinator && d.full('coordinator', { kind: 'coordination', subjectId, ownerAgency: s.coordinator.ownerAgency, categories: ['contact_log'] }, s.coordinator);
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
    subjectId, coordinator, identity, residence, household, involvedAgencies,
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
      CONTACT_CONTENT_FIELDS,
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

/**
 * The coordinator's overview: every involved service, the open referrals with their state and
 * escalations, and every contact — as metadata on the designation alone, with content only
 * where the policy gives the coordinator a basis for it.
 */
export function coordinationView(o: PersonOverview, h: ContactHistory, d: Disclosing, at: string) {
  const subjectId = o.subjectId;
  const coordinator = o.coordinator && d.full('coordinator', { kind: 'coordination', subjectId, ownerAgency: o.coordinator.ownerAgency, categories: ['contact_log'] }, o.coordinator);
  const involvedAgencies = present(o.involvedAgencies.map((agency) =>
    d.full(`involvedAgencies/${agency}`, { kind: 'contact', subjectId, ownerAgency: agency, categories: ['contact_log'] }, { agency })));
  const overdue = (r: PersonOverview['openReferrals'][number]) =>
    (r.status === 'sent' && Date.parse(r.acknowledgeBy) < Date.parse(at)) || (r.status !== 'accepted' && Date.parse(r.answerBy) < Date.parse(at));
  const openReferrals = present(o.openReferrals.map((r) => {
    const metadata = { referralId: r.referralId, from: r.from, to: r.to, status: r.status, acknowledgeBy: r.acknowledgeBy, answerBy: r.answerBy, escalations: r.escalations ?? [] };
    return d.fullOrMetadata(`openReferrals/${r.referralId}`,
      { kind: 'referral', subjectId, ownerAgency: r.ownerAgency, categories: ['referral', ...r.categories], referralId: r.referralId },
      { ...r, escalations: r.escalations ?? [] }, metadata, ['categories'], ['referral']);
  })).map((r) => ({ ...r, overdue: overdue(r as PersonOverview['openReferrals'][number]) }))
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || Date.parse(a.answerBy) - Date.parse(b.answerBy));
  return {
    subjectId, coordinator, involvedAgencies: involvedAgencies.map((a) => a.agency), openReferrals,
    contacts: contactHistoryView(h, d).contacts,
  };
}
