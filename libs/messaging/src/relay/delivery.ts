import type { DataCategory } from '@samhandling/domain';
import type { RecordedEvent } from '@samhandling/event-store';
import type { DisclosableRecord } from '@samhandling/policy';
import { eventType, type DeliveredEvent } from '../cloud-event';
import type { Delivery } from './feed-store';
import { feedMeta } from './feed-row';

/** The envelope of `event` for `agency`: whole, or (`partial`) with the withheld fields taken out and named. */
export function delivery(
  event: RecordedEvent, record: DisclosableRecord, agency: string, basis: string[], disclosureid: string,
  categories: DataCategory[] = record.categories, partial?: { data: RecordedEvent['data']; redacted: string[] },
): Delivery {
  const envelope: DeliveredEvent = {
    specversion: '1.0',
    id: event.id,
    source: `/samhandling/agencies/${record.ownerAgency}`,
    type: eventType(event.type),
    subject: record.subjectId,
    time: event.recordedAt,
    datacontenttype: 'application/json',
    data: partial?.data ?? event.data,
    logposition: event.position,
    categories,
    basis,
    // An agency's own record is not a disclosure, so there is no record to point to.
    disclosureid,
    ...(partial ? { redacted: partial.redacted } : {}),
  };
  return { agency, eventId: event.id, position: event.position, subjectId: record.subjectId, envelope, stored: feedMeta(envelope, event) };
}
