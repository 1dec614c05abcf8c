import type { CoordinatorBasis, CoordinatorDesignated } from '@samhandling/domain';
import { itsSubject, ownRecord, type EventPolicies } from '../event-policy';

/** Who coordinates for the person: a policy fact (the coordinator's reads) and the designating agency's record. */
export const COORDINATION_POLICIES: EventPolicies<CoordinatorDesignated> = {
  CoordinatorDesignated: {
    subjectOf: itsSubject,
    // A new designation replaces the previous one.
    evolve: (state, { data }) => ({
      ...state,
      coordinator: {
        agency: data.agency as string, basis: data.basis as CoordinatorBasis,
        ...(typeof data.designatedBy === 'string' ? { designatedBy: data.designatedBy } : {}),
      },
    }),
    // That a service coordinates for the person: the coordinator hears of it on its designation.
    label: (e) => ownRecord(e, 'coordination', e.data.designatedBy, ['contact_log']),
  },
};
