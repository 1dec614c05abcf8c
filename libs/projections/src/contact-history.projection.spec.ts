import type { DomainEvent } from '@samhandling/domain';
import { contactHistoryProjection as history, type ContactHistory } from './contact-history.projection';
import { project, recorded } from './testing/recorded';
import { AMINA, HEALTH, REFUGEE, scenario } from './testing/scenario';

const historyOf = (events: DomainEvent[], subjectId = AMINA) => project(history, recorded(events)).get(subjectId) as ContactHistory;

describe('contact-history projection', () => {
  it('keeps every contact with its full content, in the order the contacts happened', () => {
    const state = historyOf(scenario());
    expect(state.contacts.map((c) => c.contactId)).toEqual(['c-3', 'c-1', 'c-2']);
    expect(state.contacts[1]).toEqual({
      contactId: 'c-1', ownerAgency: HEALTH, actor: 'nurse-1', occurredAt: '2026-01-05T09:00:00Z', recordedAt: '2026-01-05T10:00:00Z',
      channel: 'in_person', categories: ['health'], summary: 'Sleeps badly; headaches.', concerns: ['sleep'], interpreterUsed: true, interpreterLanguage: 'so',
      position: 4,
    });
    expect(state.contacts[2]).toEqual(expect.objectContaining({ ownerAgency: REFUGEE, categories: ['education'], position: 5 }));
    expect(state.contacts[2]).not.toHaveProperty('interpreterLanguage');
  });

  it('orders by instant, not by string, when offsets differ, and by log position on a tie', () => {
    const contact = (contactId: string, occurredAt: string): DomainEvent => ({
      type: 'ContactRecorded',
      data: { contactId, subjectId: AMINA, agency: HEALTH, actor: 'a', occurredAt, recordedAt: occurredAt, channel: 'phone', categories: ['health'], summary: '', concerns: [], interpreterUsed: false },
    });
    const state = historyOf([contact('late', '2026-01-05T10:00:00+02:00'), contact('early', '2026-01-05T09:00:00Z'), contact('tie', '2026-01-05T08:00:00Z')]);
    // 10:00+02:00 is 08:00Z: it ties with 'tie' and was logged first.
    expect(state.contacts.map((c) => c.contactId)).toEqual(['late', 'tie', 'early']);
  });

  it('shows a re-published contact once', () => {
    const [first] = scenario().filter((e) => e.type === 'ContactRecorded');
    expect(historyOf([first, first]).contacts).toHaveLength(1);
  });

  it('takes only contacts, keyed by the person', () => {
    const events = recorded(scenario());
    const keys = events.map((e) => history.keyOf(e, { referral: () => undefined }));
    expect(keys.filter((k) => k.length > 0)).toEqual([[AMINA], [AMINA], [AMINA]]);
  });
});
