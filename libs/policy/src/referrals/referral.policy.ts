import type { DataCategory, Purpose, ReferralBasis, ReferralEvent } from '@samhandling/domain';
import type { DisclosableRecord } from '../agency-policy';
import { authorOf, itsSubject, unique, type EventLabel, type EventPolicies, type LabelLookup, type LoggedWithMetadata } from '../event-policy';

/**
 * Every step of a referral is delivered along the route its ReferralSent opened (unknown route:
 * delivered to no one). The referral is the sender's record (as on the referral board); whoever
 * wrote this step of it gets it back as its own too. The receiver gets it on the referral's own basis.
 */
function alongItsRoute(e: LoggedWithMetadata<ReferralEvent>, lookup: LabelLookup): EventLabel | undefined {
  const d = e.data;
  const route = lookup.route(String(d.referralId));
  if (!route) return undefined;
  const record: DisclosableRecord = {
    kind: 'referral', subjectId: route.subjectId, ownerAgency: route.from, referralId: String(d.referralId),
    categories: unique(['referral', ...route.categories]),
  };
  const writer = authorOf(e) ?? (typeof d.by === 'string' ? d.by : undefined);
  return { record, owners: unique([route.from, ...(writer ? [writer] : [])]) };
}

export const REFERRAL_POLICIES: EventPolicies<ReferralEvent> = {
  ReferralSent: {
    subjectOf: itsSubject,
    signalledBy: (data) => data.from,
    // Each referral discloses its own content to its receiver.
    evolve: (state, { data: d }) => ({
      ...state,
      referrals: {
        ...state.referrals,
        [d.referralId as string]: { from: d.from as string, to: d.to as string, categories: d.categories as DataCategory[], basis: d.basis as ReferralBasis },
      },
    }),
    opensRoute: (d) => ({
      referralId: d.referralId as string,
      route: {
        subjectId: d.subjectId as string, from: d.from as string, to: d.to as string, categories: (d.categories as DataCategory[] | undefined) ?? [],
        ...(typeof d.purpose === 'string' ? { purpose: d.purpose as Purpose } : {}),
        ...(d.basis && typeof d.basis === 'object' ? { basis: d.basis as ReferralBasis } : {}),
      },
    }),
    label: alongItsRoute,
  },
  ReferralAcknowledged: { label: alongItsRoute },
  ReferralAccepted: { label: alongItsRoute },
  ReferralDeclined: { label: alongItsRoute },
  ReferralCompleted: { label: alongItsRoute },
  ReferralEscalated: {
    // An escalation says only that a deadline passed: the coordinator it names may see that much.
    label: (e, lookup) => {
      const labelled = alongItsRoute(e, lookup);
      if (!labelled) return undefined;
      const notify = Array.isArray(e.data.notify) ? e.data.notify.filter((a): a is string => typeof a === 'string') : [];
      return notify.length > 0 ? { ...labelled, notice: { agencies: notify, record: { ...labelled.record, categories: ['referral'] } } } : labelled;
    },
  },
};
