import { isDataCategory, type DataCategory } from '@samhandling/domain';
import type { RecordedEvent } from '@samhandling/event-store';
import type { DisclosableRecord } from '@samhandling/policy';
import type { PolicyTracker } from './policy-tracker';

/** What policy is asked about one event, and who receives it as their own record. */
export interface EventRecord {
  record: DisclosableRecord;
  /** Agencies the event belongs to: they receive it on basis `own`, with no disclosure record. */
  owners: string[];
  /**
   * Agencies the event names to be told (an escalation's notify list): those the record itself
   * does not reach get this narrower record instead, where policy allows that much.
   */
  notice?: { agencies: string[]; record: DisclosableRecord };
}

/**
 * The DisclosableRecord an event is, labelled per event type. Events the domain does not write
 * (foreign types) and referral events whose ReferralSent is unknown are not delivered at all.
 * Call after the tracker has applied the event, so consent withdrawals find their consent.
 */
export function eventRecord(event: RecordedEvent, tracker: PolicyTracker): EventRecord | undefined {
  const d = event.data;
  const author = typeof event.metadata.agency === 'string' ? event.metadata.agency : undefined;
  const own = (recorder: unknown) => author ?? (typeof recorder === 'string' ? recorder : undefined);
  const make = (kind: DisclosableRecord['kind'], owner: string | undefined, categories: DataCategory[], extra: Partial<DisclosableRecord> = {}) =>
    typeof d.subjectId === 'string' && owner !== undefined
      ? { record: { kind, subjectId: d.subjectId, ownerAgency: owner, categories: unique(categories), ...extra }, owners: [owner] }
      : undefined;
  switch (event.type) {
    case 'SubjectRegistered':
      return make('identity', own(d.registeredBy), ['identity']);
    case 'ResidenceGranted':
      return make('residence', own(d.recordedBy), d.familyReunification === true ? ['residence', 'family_situation'] : ['residence']);
    case 'HouseholdLinked':
      return make('household', own(d.linkedBy), ['family_situation']);
    case 'ArrivalNotice':
      // Pushed to the municipality's services only where the catalog's notice entry is enabled.
      return make('residence', own(d.issuedBy), ['identity', 'residence', 'family_situation']);
    case 'CoordinatorDesignated':
      // That a service coordinates for the person: the coordinator hears of it on its designation.
      return make('coordination', own(d.designatedBy), ['contact_log']);
    case 'ContactRecorded':
      return make('contact', own(d.agency), categoriesOf(d.categories));
    case 'ConsentGiven':
      return make('consent', own(d.recordedBy), categoriesOf(d.categories), { consentId: String(d.consentId) });
    case 'ConsentWithdrawn':
    case 'ConsentConfirmed':
    case 'ConsentRejected': {
      // Told to whom the consent itself is told: its recipients learn it was withdrawn, or who relies on it.
      const consent = typeof d.subjectId === 'string' ? tracker.subject(d.subjectId).state.consent.consents[String(d.consentId)] : undefined;
      return make('consent', own(d.withdrawnBy ?? d.confirmedBy ?? d.rejectedBy), consent?.categories ?? [], { consentId: String(d.consentId) });
    }
    case 'ReferralSent':
    case 'ReferralAcknowledged':
    case 'ReferralAccepted':
    case 'ReferralDeclined':
    case 'ReferralCompleted':
    case 'ReferralEscalated': {
      // The referral is the sender's record (as on the referral board); whoever wrote this step of
      // it gets it back as its own too. The receiver gets it on the referral's own basis.
      const route = tracker.route(String(d.referralId));
      if (!route) return undefined;
      const record: DisclosableRecord = {
        kind: 'referral', subjectId: route.subjectId, ownerAgency: route.from, referralId: String(d.referralId),
        categories: unique(['referral', ...route.categories]),
      };
      const writer = author ?? (typeof d.by === 'string' ? d.by : undefined);
      const owners = unique([route.from, ...(writer ? [writer] : [])]);
      // An escalation says only that a deadline passed: the coordinator it names may see that much.
      const notify = event.type === 'ReferralEscalated' && Array.isArray(d.notify) ? d.notify.filter((a): a is string => typeof a === 'string') : [];
      return notify.length > 0 ? { record, owners, notice: { agencies: notify, record: { ...record, categories: ['referral'] } } } : { record, owners };
    }
    default:
      return undefined;
  }
}

const categoriesOf = (value: unknown): DataCategory[] => (Array.isArray(value) ? value.filter(isDataCategory) : []);
const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
