import type { CoordinatorDesignated, SubjectEvent } from '@samhandling/domain';
import { itsSubject, ownRecord, type EventPolicies } from '../event-policy';

/** The person's own events: each is the record of the agency that wrote it. */
export const SUBJECT_POLICIES: EventPolicies<Exclude<SubjectEvent, CoordinatorDesignated>> = {
  SubjectRegistered: {
    subjectOf: itsSubject,
    label: (e) => ownRecord(e, 'identity', e.data.registeredBy, ['identity']),
  },
  ResidenceGranted: {
    subjectOf: itsSubject,
    // The municipality of settlement, whose services policy may then tell.
    evolve: (state, { data }) => ({ ...state, residenceMunicipality: data.municipality as string }),
    label: (e) => ownRecord(e, 'residence', e.data.recordedBy, e.data.familyReunification === true ? ['residence', 'family_situation'] : ['residence']),
  },
  ArrivalNotice: {
    // No policy fact of its own (its grant carries the municipality). Pushed to the municipality's
    // services only where the catalog's notice entry is enabled.
    label: (e) => ownRecord(e, 'residence', e.data.issuedBy, ['identity', 'residence', 'family_situation']),
  },
  HouseholdLinked: {
    subjectOf: itsSubject,
    label: (e) => ownRecord(e, 'household', e.data.linkedBy, ['family_situation']),
  },
};
