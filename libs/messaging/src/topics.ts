/**
 * Topic names. One outbound topic per agency keeps broker ACLs simple: an agency's principal
 * may read exactly `samhandling.<agency>.v1` and write exactly its inbox.
 */
const AGENCY_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

function checked(agency: string): string {
  if (!AGENCY_ID.test(agency)) throw new Error(`Not an agency id: ${JSON.stringify(agency)}`);
  return agency;
}

export const agencyTopic = (agency: string): string => `samhandling.${checked(agency)}.v1`;
export const inboxTopic = (agency: string): string => `samhandling.inbox.${checked(agency)}.v1`;
export const deadLetterTopic = (agency: string): string => `samhandling.inbox.${checked(agency)}.dlq.v1`;

/** The agency an inbox topic belongs to, or undefined for any other topic. */
export function inboxAgency(topic: string): string | undefined {
  const match = /^samhandling\.inbox\.([a-z0-9][a-z0-9-]{1,62})\.v1$/.exec(topic);
  return match?.[1];
}
