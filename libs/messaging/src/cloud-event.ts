import type { DataCategory } from '@samhandling/domain';

/**
 * The CloudEvents 1.0 envelope (structured JSON mode) of an event delivered to an agency.
 * Extension attributes are lower-case alphanumerics, as the spec requires.
 */
export interface DeliveredEvent<Data = Record<string, unknown>> {
  specversion: '1.0';
  /** The event's id in the log: consumers deduplicate on it. */
  id: string;
  source: string;
  type: string;
  /** The person the event is about. */
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: Data;
  /** Global log position: consumers may checkpoint on it. */
  logposition: number;
  categories: DataCategory[];
  /** Bases the delivery was made on, as cited in the disclosure record. */
  basis: string[];
  /** Id of the disclosure record covering this delivery. */
  disclosureid: string;
  /**
   * Only on a delivery of part of a record (a concern on a health contact, to child welfare): the
   * data fields withheld, the categories no basis permits. `data` then holds the rest, its
   * `categories` the permitted ones (as in `categories` here).
   */
  redacted?: string[];
}

export const EVENT_TYPE_PREFIX = 'no.samhandling.';
export const eventType = (domainType: string): string => `${EVENT_TYPE_PREFIX}${domainType}.v1`;
export const domainTypeOf = (cloudEventType: string): string | undefined =>
  cloudEventType.startsWith(EVENT_TYPE_PREFIX) && cloudEventType.endsWith('.v1') ? cloudEventType.slice(EVENT_TYPE_PREFIX.length, -3) : undefined;
