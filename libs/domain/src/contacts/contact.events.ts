import type { DataCategory } from '../shared/categories';
import type { Event } from '../shared/decider';

export const CONTACT_CHANNELS = ['in_person', 'phone', 'video', 'digital', 'letter'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export type ContactRecorded = Event<
  'ContactRecorded',
  {
    contactId: string;
    subjectId: string;
    /** Agency and person that had the contact; both are shown in access reports. */
    agency: string;
    actor: string;
    occurredAt: string;
    recordedAt: string;
    channel: ContactChannel;
    /** What the contact touched on; policy decides per category who may see it. */
    categories: DataCategory[];
    summary: string;
    /** Worries raised, so the next service knows what to follow up. */
    concerns: string[];
    interpreterUsed: boolean;
    interpreterLanguage?: string;
  }
>;

export type ContactEvent = ContactRecorded;
