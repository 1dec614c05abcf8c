import { ref, str, type EventSchemas } from '../shared/schema';
import type { CoordinatorDesignated } from './coordination';

/** The data of a coordinator's designation, as agencies receive it. */
export const COORDINATION_EVENT_SCHEMAS: EventSchemas<CoordinatorDesignated> = {
  CoordinatorDesignated: {
    type: 'object',
    required: ['subjectId', 'agency', 'basis', 'designatedBy', 'designatedAt'],
    properties: {
      subjectId: ref('Uuid'),
      agency: ref('AgencyId'),
      caseworker: str,
      basis: ref('SharingBasis'),
      previousAgency: ref('AgencyId'),
      designatedBy: ref('AgencyId'),
      designatedAt: ref('Instant'),
    },
  },
};
