import { lines } from './text';

/** What an inbox message needs said beyond its command's declaration: who sends it, inbox-only names, an example. */
export interface InboxNote {
  /** Who issues it, after the HTTP twin in the message's title. */
  audience?: string;
  description?: string;
  examples?: readonly object[];
}

export const INBOX_NOTES: Readonly<Record<string, InboxNote | undefined>> = {
  GrantResidence: { audience: 'national authorities' },
  RecordContact: {
    examples: [{
      name: 'record-contact',
      headers: {},
      payload: {
        id: 'contact-2026-11-20-0001',
        type: 'RecordContact',
        actor: 'kari.nordmann',
        data: {
          subjectId: '0b9d7e3c-1f7a-4d2b-8c6e-4a5b3c2d1e0f',
          contactId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
          occurredAt: '2026-11-20T09:30:00Z',
          channel: 'in_person',
          categories: ['contact_log'],
          summary: 'Introduction programme follow-up',
          concerns: [],
          interpreterUsed: false,
        },
      },
    }],
  },
  DesignateCoordinator: {
    description: lines(
      '`agency` is the agency designated (it may be the sender); the designating agency is the',
      'topic\'s. The basis is an active consent of the person naming the coordinator, or a catalog',
      'entry reaching the coordinator\'s kind; a voluntary organisation only on consent.',
    ),
    examples: [{
      name: 'designate-on-consent',
      headers: {},
      payload: {
        id: 'coordinator-2026-0042',
        type: 'DesignateCoordinator',
        actor: 'kari.nordmann',
        data: {
          subjectId: '3f0c9a52-8a51-4f3e-9a43-2f1d0c6b7e11',
          agency: 'oslo-refugee',
          caseworker: 'Kari (introduction programme)',
          basis: { kind: 'consent', consentId: '9b2e4f10-5c3d-4a8e-b1f7-6d0a2c4e8f31' },
        },
      },
    }],
  },
  ReReferReferral: {
    audience: 'the declined referral\'s sender',
    description: lines(
      'Re-sends a declined referral in one step: same person, reason, categories and basis, to the',
      'agency the decliner suggested unless `to` names another. The URL\'s {referralId}, the declined',
      'referral, travels as `declinedReferralId`: `referralId` is the new referral\'s. Appends an',
      'ordinary ReferralSent with `previousReferralId`. Key it by the person\'s id, as any command.',
    ),
  },
};
