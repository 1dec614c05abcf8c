import { consentStatusAt, recipientCovers } from './consent-status';

describe('consentStatusAt', () => {
  const consent = { validFrom: '2026-01-10T00:00:00Z', validUntil: '2027-01-10T00:00:00Z' };

  it.each([
    ['2026-01-09T23:59:59Z', 'not_yet_valid'],
    ['2026-01-10T00:00:00Z', 'active'],
    ['2026-06-01T12:00:00+02:00', 'active'],
    ['2027-01-10T00:00:00Z', 'expired'],
  ])('at %s the consent is %s', (at, status) => {
    expect(consentStatusAt(consent, at)).toBe(status);
  });

  it('is active until the withdrawal and withdrawn from it, so replays decide as before', () => {
    const withdrawn = { ...consent, withdrawnAt: '2026-03-01T08:00:00Z' };
    expect(consentStatusAt(withdrawn, '2026-03-01T07:59:59Z')).toBe('active');
    expect(consentStatusAt(withdrawn, '2026-03-01T08:00:00Z')).toBe('withdrawn');
    expect(consentStatusAt(withdrawn, '2028-01-01T00:00:00Z')).toBe('withdrawn');
  });

  it('compares times, not strings, across offsets', () => {
    expect(consentStatusAt({ validFrom: '2026-01-10T01:00:00+01:00' }, '2026-01-10T00:30:00Z')).toBe('active');
  });

  it('never expires without validUntil', () => {
    expect(consentStatusAt({ validFrom: '2026-01-10T00:00:00Z' }, '2100-01-01T00:00:00Z')).toBe('active');
  });
});

describe('recipientCovers', () => {
  it('matches an agency by id and by kind', () => {
    expect(recipientCovers({ agency: 'health-oslo' }, 'health-oslo', 'health')).toBe(true);
    expect(recipientCovers({ agency: 'health-oslo' }, 'health-bergen', 'health')).toBe(false);
    expect(recipientCovers({ agencyKind: 'voluntary' }, 'red-cross-oslo', 'voluntary')).toBe(true);
    expect(recipientCovers({ agencyKind: 'voluntary' }, 'nav-oslo', 'nav')).toBe(false);
    expect(recipientCovers({ agencyKind: 'voluntary' }, 'unknown', undefined)).toBe(false);
  });
});
