import { DATA_CATEGORIES, type ContactChannel } from '@samhandling/domain';
import { asDomainEvent, byInstant, compact } from './domain-event';
import type { Labelled, Projection } from './projection';

/** A contact with its full content; `categories` are what it touched on, so policy filters per contact. */
export interface ContactEntry extends Labelled {
  contactId: string;
  actor: string;
  occurredAt: string;
  recordedAt: string;
  channel: ContactChannel;
  summary: string;
  concerns: string[];
  interpreterUsed: boolean;
  interpreterLanguage?: string;
  /** Log position of the ContactRecorded event: cites the source in a disclosure record. */
  position: number;
}

export interface ContactHistory {
  subjectId: string;
  /** In the order the contacts happened, not the order they were recorded. */
  contacts: ContactEntry[];
}

const inOrder = (a: ContactEntry, b: ContactEntry) => byInstant(a.occurredAt, b.occurredAt) || a.position - b.position;

/** Every contact any service had with the person, for those the policy lets read them. */
export const contactHistoryProjection: Projection<ContactHistory> = {
  name: 'contact-history',
  // A summary may touch on anything the contact did.
  categories: [...DATA_CATEGORIES],
  keyOf(event) {
    const domain = asDomainEvent(event);
    return domain?.type === 'ContactRecorded' ? [domain.data.subjectId] : [];
  },
  init: (subjectId) => ({ subjectId, contacts: [] }),
  evolve(state, event) {
    const domain = asDomainEvent(event);
    if (domain?.type !== 'ContactRecorded') return state;
    const { subjectId: _, agency, ...contact } = domain.data;
    // Contact ids are the publisher's idempotency key: a re-published contact is shown once.
    if (state.contacts.some((c) => c.contactId === contact.contactId)) return state;
    const entry = compact<ContactEntry>({ ...contact, ownerAgency: agency, position: event.position });
    return { ...state, contacts: [...state.contacts, entry].sort(inOrder) };
  },
};
