import { ForbiddenException } from '@nestjs/common';
import type { AuditScope } from '@samhandling/audit';
import type { Caller } from '../platform/auth/token-verifier';
import type { AgencyDirectory } from '@samhandling/config';

export const PRIVACY_OFFICER = 'privacy-officer';

export interface OfficerScope extends AuditScope {
  /** In words, for reports: which disclosures this officer can account for. */
  covers: string;
}

/**
 * What a privacy officer may audit: a municipal officer, every disclosure to or from an agency
 * of the same municipality; an officer of a national authority, those to or from its own
 * agency. Anything else is not theirs to see — queries simply do not return it.
 */
export function officerScope(caller: Caller, directory: AgencyDirectory): OfficerScope {
  if (!caller.roles.includes(PRIVACY_OFFICER)) {
    throw new ForbiddenException({ error: 'AUTH.ROLE_REQUIRED', message: `The audit API is for privacy officers: the token needs the role ${PRIVACY_OFFICER}` });
  }
  const municipality = caller.agency.municipality;
  if (municipality === null) return { agencies: [caller.agency.id], covers: `disclosures to or from ${caller.agency.name}` };
  const agencies = directory.all().filter((a) => a.municipality === municipality).map((a) => a.id).sort();
  return { agencies, covers: `disclosures to or from the ${agencies.length} services of municipality ${municipality} in this installation` };
}
