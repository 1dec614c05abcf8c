import type { DataCategory } from '../shared/categories';
import type { Command } from '../shared/decider';
import type { ContactChannel } from './contact.events';

export type RecordContact = Command<
  'RecordContact',
  {
    contactId: string;
    subjectId: string;
    occurredAt: string;
    channel: ContactChannel;
    categories: DataCategory[];
    summary: string;
    concerns: string[];
    interpreterUsed: boolean;
    interpreterLanguage?: string;
  }
>;

export type ContactCommand = RecordContact;
