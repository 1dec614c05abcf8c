import { consentStream, contactStream, parseStreamName, referralStream, subjectStream } from './streams';

const id = '6f1c0b2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b';

describe('stream names', () => {
  it('name each stream by category and id', () => {
    expect(subjectStream(id)).toBe(`subject-${id}`);
    expect(contactStream(id)).toBe(`contact-${id}`); // the contact's id: one stream per contact
    expect(consentStream(id)).toBe(`consent-${id}`);
    expect(referralStream(id)).toBe(`referral-${id}`);
  });

  it('parse back, keeping the dashes of a UUID in the id', () => {
    expect(parseStreamName(referralStream(id))).toStrictEqual({ category: 'referral', id });
  });

  it.each(['referral-', 'unknown-1', 'subject', '-1'])('reject %j', (name) => {
    expect(parseStreamName(name)).toBeUndefined();
  });
});
