import { LegalBasisCatalog } from './legal-basis-catalog';
import type { CatalogVersion, LegalBasisEntry } from './catalog.types';
import { loadCatalog } from './load-catalog';

const entry = (overrides: Partial<LegalBasisEntry>): LegalBasisEntry => ({
  id: 'paa-13b-1-5', title: 'Own task', law: 'Public Administration Act §13 b first paragraph no. 5', plainLanguage: 'For the service own task.',
  from: ['nav'], to: ['housing'], categories: ['housing'], purposes: ['housing'], consentRequired: false, initiative: 'discloser',
  overridesObjection: false, justificationRequired: false, reviewRequired: false, effectiveFrom: '2017-01-01', ...overrides,
});

describe('LegalBasisCatalog', () => {
  it('loads the shipped catalog and validates every entry', () => {
    const catalog = loadCatalog();
    expect(catalog.current().map((e) => e.id)).toEqual(expect.arrayContaining(['consent', 'hpa-25-45', 'duty-to-notify-child-welfare', 'paa-13b-1-5', 'paa-13b-1-7', 'nav-7', 'ssa-44', 'ia-41', 'family-reunification-notice']));
  });

  it('replaces a version without losing what earlier decisions cited (renumbering)', () => {
    const v1: CatalogVersion = { version: '2026-01', entries: [entry({})] };
    const v2: CatalogVersion = { version: '2027-01', entries: [entry({ id: 'paa-2025-9-2', law: 'Public Administration Act 2025 §9-2', effectiveFrom: '2027-01-01' })] };
    const catalog = new LegalBasisCatalog([v1, v2]);
    expect(catalog.currentVersion).toBe('2027-01');
    expect(catalog.current().map((e) => e.id)).toEqual(['paa-2025-9-2']);
    expect(catalog.cited('paa-13b-1-5', '2026-01')).toMatchObject({ law: 'Public Administration Act §13 b first paragraph no. 5', version: '2026-01' });
    expect(catalog.cited('paa-13b-1-5', '2027-01')).toBeUndefined();
  });

  it('honours effective dates', () => {
    const catalog = new LegalBasisCatalog([{ version: 'v', entries: [entry({ effectiveFrom: '2026-01-01', effectiveTo: '2027-01-01' })] }]);
    const q = { toKind: 'housing' as const, purpose: 'housing' as const, initiative: 'discloser' as const };
    expect(catalog.applicable({ ...q, at: '2025-12-31T23:59:59Z' })).toEqual([]);
    expect(catalog.applicable({ ...q, at: '2026-06-01T00:00:00Z' })).toHaveLength(1);
    expect(catalog.applicable({ ...q, at: '2027-01-01T00:00:00Z' })).toEqual([]);
  });

  it('refuses malformed entries and unknown enabled entries at load', () => {
    expect(() => new LegalBasisCatalog([{ version: 'v', entries: [entry({ to: ['martians' as never] })] }])).toThrow(/from\/to/);
    expect(() => new LegalBasisCatalog([{ version: 'v', entries: [entry({ effectiveTo: '2000-01-01' })] }])).toThrow(/effectiveTo/);
    expect(() => new LegalBasisCatalog([{ version: 'v', entries: [entry({})] }], { enabled: ['nope'] })).toThrow(/unknown catalog entry/);
  });
});
