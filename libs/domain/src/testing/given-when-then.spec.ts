import type { Decider } from '../shared/decider';
import { conflict } from '../shared/errors';
import { given } from './given-when-then';

/** A counter that refuses to pass 1, to check the harness itself fails when it should. */
type Ev = { type: 'Counted'; data: { n: number; note?: string } };
type Cmd = { type: 'Count'; note?: string };
const counter: Decider<number, Cmd, Ev> = {
  initialState: () => 0,
  evolve: (n) => n + 1,
  decide: (cmd, n) => {
    if (n >= 1) throw conflict('COUNTER.FULL', 'full');
    return [{ type: 'Counted', data: { n: n + 1, note: cmd.note } }];
  },
};

describe('given/when/then harness', () => {
  it('passes on the expected events after folding the history', () => {
    given(counter, []).when({ type: 'Count', note: 'a' }).then([{ type: 'Counted', data: { n: 1, note: 'a' } }]);
  });

  it('fails when an optional field is set to undefined instead of omitted', () => {
    expect(() => given(counter, []).when({ type: 'Count' }).then([{ type: 'Counted', data: { n: 1 } }])).toThrow();
  });

  it('fails when the events differ', () => {
    expect(() => given(counter, []).when({ type: 'Count', note: 'a' }).then([])).toThrow();
  });

  it('checks the code and kind of the error', () => {
    const when = given(counter, [{ type: 'Counted', data: { n: 1 } }]).when({ type: 'Count' });
    when.thenThrows('COUNTER.FULL', 'conflict');
    expect(() => when.thenThrows('COUNTER.OTHER')).toThrow();
    expect(() => when.thenThrows('COUNTER.FULL', 'validation')).toThrow();
  });

  it('fails when nothing is thrown', () => {
    expect(() => given(counter, []).when({ type: 'Count', note: 'a' }).thenThrows('COUNTER.FULL')).toThrow();
  });
});
