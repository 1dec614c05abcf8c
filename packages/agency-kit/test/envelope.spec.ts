import { randomUUID } from 'node:crypto';
import { parseDeliveredEvent } from '../src';
import { envelope } from './support/topic-fixture';

describe('parseDeliveredEvent', () => {
  const valid = () => envelope('ContactRecorded', { subjectId: randomUUID(), summary: 'Amina Haile, sleep problems' });

  it('accepts what the relay writes', () => {
    const event = valid();
    expect(parseDeliveredEvent(Buffer.from(JSON.stringify(event)))).toEqual({ ok: true, event });
  });

  it('accepts a feed page\'s event as it was parsed, and an event type newer than the kit', () => {
    const event = { ...valid(), type: 'no.samhandling.SomethingNew.v1' };
    expect(parseDeliveredEvent(event)).toEqual({ ok: true, event });
    expect(parseDeliveredEvent({ ...event, id: event.id.toUpperCase() })).toEqual({ ok: true, event });
  });

  it.each([
    ['empty message value (tombstone)', null],
    ['value is not JSON', '{"id":'],
    ['value is not a JSON object', '[1]'],
    ['specversion is not "1.0"', { specversion: '0.3' }],
    ['id is not a UUID', { id: 'Amina Haile' }],
    ['type is not no.samhandling.<EventType>.v1', { type: 'ContactRecorded' }],
    ['type is not no.samhandling.<EventType>.v1', { type: 'no.samhandling..v1' }],
    ['subject is missing', { subject: '' }],
    ['time is not an instant', { time: 'yesterday' }],
    ['data is not an object', { data: 'Amina Haile' }],
    ['logposition is not a positive integer', { logposition: '7' }],
    ['categories is not a list of data categories', { categories: ['gossip'] }],
    ['basis is not a non-empty list', { basis: [] }],
    ['disclosureid is missing', { disclosureid: undefined }],
  ])('rejects a message whose %s, without quoting it', (reason, change) => {
    const value = change === null || typeof change === 'string' ? change : JSON.stringify({ ...valid(), ...change });
    const parsed = parseDeliveredEvent(value);
    expect(parsed).toEqual({ ok: false, reason });
    expect(JSON.stringify(parsed)).not.toMatch(/Amina|gossip|yesterday/);
  });
});
