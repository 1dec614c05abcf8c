import { project, recorded } from '../testing/recorded';
import { AMINA, CHILD_WELFARE, HEALTH, REFUGEE, scenario } from '../testing/scenario';
import { checkCustomDefinition, type CustomEvent, type CustomProjectionDefinition } from './custom-definition';
import { customProjection, type CustomState } from './custom-projection';

/** A definition that remembers, per person, what it was handed. */
const seen = (overrides: Partial<CustomProjectionDefinition<{ seen: string[] }>> = {}): CustomProjectionDefinition<{ seen: string[] }> => ({
  name: 'seen',
  categories: ['contact_log', 'education'],
  init: () => ({ seen: [] }),
  evolve: (s, e: CustomEvent) => ({ seen: [...s.seen, `${e.type}:${e.ownerAgency}:${e.categories.join('+')}`] }),
  ...overrides,
});

const fold = (definition: CustomProjectionDefinition<{ seen: string[] }>) =>
  project(customProjection(definition), recorded(scenario())).get(AMINA) as CustomState<{ seen: string[] }>;

describe('custom projection: what it folds and what it keeps to cite', () => {
  it('hands evolve only events whose every category it declared, labelled as the relay labels them', () => {
    const s = fold(seen());
    // c-1 (health) and c-3 (health, family_situation) carry categories it did not declare.
    expect(s.state.seen).toEqual([`ContactRecorded:${REFUGEE}:education`]);
    expect(s.records).toEqual([{ eventId: expect.any(String), position: 5, kind: 'contact', ownerAgency: REFUGEE, categories: ['education'] }]);
  });

  it('keeps to the event types it names', () => {
    const s = fold(seen({ categories: ['identity', 'education'], eventTypes: ['SubjectRegistered'] }));
    expect(s.state.seen).toEqual([`SubjectRegistered:${REFUGEE}:identity`]);
  });

  it('labels a referral\'s later steps with its route, and a consent\'s withdrawal with the consent\'s categories', () => {
    const referrals = fold(seen({ categories: ['referral', 'child_welfare_concern'] }));
    expect(referrals.state.seen).toEqual([
      `ReferralSent:${HEALTH}:referral+child_welfare_concern`,
      `ReferralAcknowledged:${HEALTH}:referral+child_welfare_concern`,
      `ReferralAccepted:${HEALTH}:referral+child_welfare_concern`,
    ]);
    expect(referrals.records.every((r) => r.kind === 'referral' && r.referralId === `r-1-${AMINA}`)).toBe(true);
    expect(referrals.state.seen.join()).not.toContain(CHILD_WELFARE);

    const consents = fold(seen({ categories: ['health'], eventTypes: ['ConsentGiven', 'ConsentWithdrawn'] }));
    expect(consents.state.seen).toEqual([`ConsentGiven:${HEALTH}:health`, `ConsentGiven:${REFUGEE}:health`, `ConsentWithdrawn:${HEALTH}:health`]);
    expect(consents.records.map((r) => r.consentId)).toEqual(['k-1', 'k-2', 'k-1']);
  });

  it('cites a record even when evolve changes its state in place, and hands it a frozen copy of the event', () => {
    const s = fold(seen({
      evolve: (state, event) => {
        expect(() => { (event.data as Record<string, unknown>).summary = 'changed'; }).toThrow(TypeError);
        state.seen.push(event.id);
        return state;
      },
    }));
    expect(s.records).toHaveLength(1);
    expect(s.state.seen).toEqual([s.records[0].eventId]);
  });

  it('names the projection, the event and the error\'s class, never its message (it may quote the content), when evolve throws', () => {
    const failing = seen({ evolve: (_, e) => { throw new RangeError(`bad summary ${String(e.data.summary)}`); } });
    expect(() => fold(failing)).toThrow(/^Custom projection seen failed on event 0{8}-0{4}-4000-8000-0{11}5 \(ContactRecorded\): its evolve threw RangeError$/);
  });
});

describe('checking a definition', () => {
  const check = (value: unknown) => () => checkCustomDefinition(value, ['person-overview', 'coordination']);

  it('accepts a good one and keeps only what it uses', () => {
    const definition = checkCustomDefinition({ ...seen(), extra: 1, categories: ['education', 'education'] }, []);
    expect(Object.keys(definition).sort()).toEqual(['categories', 'evolve', 'init', 'name']);
    expect(definition.categories).toEqual(['education']);
  });

  it('names every problem', () => {
    expect(check(undefined)).toThrow('exports no projection definition');
    expect(check({ ...seen(), evolve: undefined })).toThrow('evolve must be a function');
    expect(check({ ...seen(), name: 'person-overview' })).toThrow('name "person-overview" is already taken');
    expect(check({ ...seen(), name: 'Coordination' })).toThrow("name must be lower-case words joined by '-'");
    expect(check({ ...seen(), categories: ['education', 'gossip'] })).toThrow('unknown category "gossip"');
    expect(check({ ...seen(), categories: [] })).toThrow('categories must be a non-empty list');
    expect(check({ ...seen(), eventTypes: ['ContactRecordet'] })).toThrow('unknown event type "ContactRecordet"');
    expect(check({ ...seen(), version: 0 })).toThrow('version must be a whole number');
    expect(check({ ...seen(), init: () => undefined })).toThrow('init must return a state that survives JSON');
    expect(check({ ...seen(), init: () => { throw new Error('no'); } })).toThrow('init threw: no');
    expect(check({ name: 'x', categories: ['gossip'] })).toThrow(/unknown category "gossip".*; init must be a function; evolve must be a function/);
  });
});
