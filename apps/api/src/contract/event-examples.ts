import type { DeliveredEvent } from '@samhandling/messaging';

const SUBJECT = '0b9d7e3c-1f7a-4d2b-8c6e-4a5b3c2d1e0f';
const headers = (id: string) => ({ ce_id: id, ce_type: 'no.samhandling.ContactRecorded.v1', ce_specversion: '1.0', 'content-type': 'application/cloudevents+json' });
type Delivery = Omit<DeliveredEvent, 'specversion' | 'source' | 'type' | 'subject' | 'datacontenttype'>;
const delivered = ({ id, time, ...rest }: Delivery): DeliveredEvent => ({
  specversion: '1.0',
  id,
  source: '/samhandling/agencies/oslo-health',
  type: 'no.samhandling.ContactRecorded.v1',
  subject: SUBJECT,
  time,
  datacontenttype: 'application/json',
  ...rest,
});

/** A whole delivery and a partial one; the AsyncAPI check parses each payload as a consumer would. */
export const CONTACT_RECORDED_EXAMPLES = [
  {
    name: 'consented-health-contact',
    summary: 'A GP\'s contact, delivered to the refugee service on the person\'s consent.',
    headers: headers('5f0c2a4e-3b7d-4c1e-9a55-2f1d8e6b7c90'),
    payload: delivered({
      id: '5f0c2a4e-3b7d-4c1e-9a55-2f1d8e6b7c90',
      time: '2026-11-20T09:35:12.000Z',
      data: {
        contactId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        subjectId: SUBJECT,
        agency: 'oslo-health',
        actor: 'dr.hansen',
        occurredAt: '2026-11-20T09:30:00Z',
        recordedAt: '2026-11-20T09:35:12.000Z',
        channel: 'in_person',
        categories: ['contact_log', 'health'],
        summary: 'Introduction programme follow-up',
        concerns: ['sleep problems'],
        interpreterUsed: true,
        interpreterLanguage: 'ti',
      },
      logposition: 1842,
      categories: ['contact_log', 'health'],
      basis: ['consent:3c2d1e0f-4a5b-4c6d-8e7f-9a0b1c2d3e4f'],
      disclosureid: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
    }),
  },
  {
    name: 'concern-on-a-health-contact',
    summary: 'A GP\'s contact labelled health and child_welfare_concern, delivered to child welfare under the duty to notify: the '
      + 'concern only, the health part withheld. The person\'s SubjectRegistered follows on the same basis when this is the '
      + 'first concern that lets child welfare know whom it is about.',
    headers: headers('6a1d3b5f-4c8e-4d2f-8b66-3e2f9a7c8d01'),
    payload: delivered({
      id: '6a1d3b5f-4c8e-4d2f-8b66-3e2f9a7c8d01',
      time: '2026-11-20T10:05:00.000Z',
      data: {
        contactId: '8b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e',
        subjectId: SUBJECT,
        agency: 'oslo-health',
        occurredAt: '2026-11-20T10:00:00Z',
        recordedAt: '2026-11-20T10:05:00.000Z',
        channel: 'in_person',
        categories: ['child_welfare_concern'],
        concerns: ['signs of neglect'],
        interpreterUsed: false,
      },
      logposition: 1907,
      categories: ['child_welfare_concern'],
      basis: ['legal:duty-to-notify-child-welfare@2026-01'],
      disclosureid: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      redacted: ['actor', 'summary'],
    }),
  },
];
