import type { ContactEvent } from '@samhandling/domain';
import { categoriesOf, itsSubject, ownRecord, type EventPolicies } from '../event-policy';

/** A contact is its agency's record, of the categories it touched on; a concern it carries is raised by that agency. */
export const CONTACT_POLICIES: EventPolicies<ContactEvent> = {
  ContactRecorded: {
    subjectOf: itsSubject,
    signalledBy: (data) => data.agency,
    label: (e) => ownRecord(e, 'contact', e.data.agency, categoriesOf(e.data.categories)),
  },
};
