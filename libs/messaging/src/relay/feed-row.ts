import type { DataCategory } from '@samhandling/domain';
import type { RecordedEvent } from '@samhandling/event-store';
import { eventType, type DeliveredEvent } from '../cloud-event';
import { redactedAgain } from './redaction';

/**
 * What a feed row keeps of a delivery's envelope beside the event it points to (by position):
 * only what the event does not give. Short keys, and a field left out where the event gives it:
 *   c  the delivered categories (always);
 *   b  the bases cited, left out for an agency's own record (`["own"]`);
 *   s  the subject, left out when it is the event's `data.subjectId`;
 *   o  the source, left out when it is the event's author (`metadata.agency`);
 *   r  the fields withheld from a partial delivery.
 * The disclosure id is a column of its own (a uuid, null for an own record).
 */
export interface FeedMeta {
  c: DataCategory[];
  b?: string[];
  s?: string;
  o?: string;
  r?: string[];
}

type EventFields = Pick<RecordedEvent, 'data' | 'metadata'>;

const OWN = ['own'];
const sourceOf = (agency: unknown): string | undefined => (typeof agency === 'string' ? `/samhandling/agencies/${agency}` : undefined);
const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The row's part of `envelope`, delivered from `event`. */
export function feedMeta(envelope: DeliveredEvent, event: EventFields): FeedMeta {
  return {
    c: envelope.categories,
    ...(sameList(envelope.basis, OWN) ? {} : { b: envelope.basis }),
    ...(envelope.subject === event.data.subjectId ? {} : { s: envelope.subject }),
    ...(envelope.source === sourceOf(event.metadata.agency) ? {} : { o: envelope.source }),
    ...(envelope.redacted ? { r: envelope.redacted } : {}),
  };
}

/** A row as the feed reads it: the row's own fields and its event's. */
export interface StoredDelivery {
  position: number;
  disclosureId: string | null;
  meta: FeedMeta;
  event: { id: string; type: string; recordedAt: string } & EventFields;
}

/** The envelope as the relay built it (delivery.ts), from the row and its event: feedMeta's inverse. */
export function envelopeOf({ position, disclosureId, meta, event }: StoredDelivery): DeliveredEvent {
  return {
    specversion: '1.0', id: event.id, source: meta.o ?? sourceOf(event.metadata.agency) ?? '', type: eventType(event.type),
    subject: meta.s ?? (event.data.subjectId as string), time: event.recordedAt, datacontenttype: 'application/json',
    data: redactedAgain(event.data, meta.c, meta.r), logposition: position, categories: meta.c, basis: meta.b ?? OWN.slice(),
    disclosureid: disclosureId ?? '', ...(meta.r ? { redacted: meta.r } : {}),
  };
}
