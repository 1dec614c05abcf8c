import type { Command, Event } from '../shared/decider';
import { conflict, invalid } from '../shared/errors';
import { isSharingBasis, sharingBasis, type SharingBasis } from '../shared/sharing-basis';
import { isBlank } from '../shared/validation';

/**
 * Coordination: the single point of entry for the person. One agency (and, if named, one
 * caseworker there) holds the whole picture and is told when referrals are not followed up.
 * Recorded on the person's stream (the subject decider checks the person exists, then asks here).
 */

/** Why an agency may coordinate: the person's consent, or a catalog entry. */
export type CoordinatorBasis = SharingBasis;

export type DesignateCoordinator = Command<
  'DesignateCoordinator',
  { subjectId: string; agency: string; caseworker?: string; basis: CoordinatorBasis }
>;

/** A new designation replaces the previous one. */
export type CoordinatorDesignated = Event<
  'CoordinatorDesignated',
  {
    subjectId: string;
    agency: string;
    /** The caseworker the person can turn to, e.g. a name or a role. */
    caseworker?: string;
    basis: CoordinatorBasis;
    /** The coordinator this one replaces, if any. */
    previousAgency?: string;
    designatedBy: string;
    designatedAt: string;
  }
>;

/** Who coordinates now, as the person's stream knows it. */
export interface Coordinator {
  agency: string;
  caseworker?: string;
}

export const coordinatorAfter = ({ data: { agency, caseworker } }: CoordinatorDesignated): Coordinator => ({ agency, ...(caseworker !== undefined ? { caseworker } : {}) });

export function designateCoordinator({ data, metadata }: DesignateCoordinator, current: Coordinator | undefined): CoordinatorDesignated[] {
  if (isBlank(data.agency)) throw invalid('COORDINATOR.AGENCY_REQUIRED', 'A coordinator must be an agency');
  if (data.caseworker !== undefined && isBlank(data.caseworker)) throw invalid('COORDINATOR.BLANK_CASEWORKER', 'caseworker, when given, cannot be blank');
  if (!isSharingBasis(data.basis)) {
    throw invalid('COORDINATOR.INVALID_BASIS', `Basis must name a legal entry or a consent: ${JSON.stringify(data.basis)}`);
  }
  if (current && current.agency === data.agency && current.caseworker === data.caseworker) {
    throw conflict('COORDINATOR.UNCHANGED', `${data.agency} already coordinates for ${data.subjectId}`);
  }
  return [
    {
      type: 'CoordinatorDesignated',
      data: {
        subjectId: data.subjectId,
        agency: data.agency,
        ...(data.caseworker !== undefined ? { caseworker: data.caseworker } : {}),
        basis: sharingBasis(data.basis),
        ...(current && current.agency !== data.agency ? { previousAgency: current.agency } : {}),
        designatedBy: metadata.agency,
        designatedAt: metadata.now,
      },
    },
  ];
}
