import { fold, type Decider } from '../shared/decider';
import { DomainError, type DomainErrorKind } from '../shared/errors';

/**
 * given(decider, history).when(command).then(events) / .thenThrows(code).
 * Uses jest's `expect`, so it is test-only (excluded from the build by the testing/ folder rule).
 */
export function given<S, C, E>(decider: Decider<S, C, E>, history: readonly E[] = []) {
  return {
    when(command: C) {
      const run = () => decider.decide(command, fold(decider, history));
      return {
        then(expected: readonly E[]): void {
          const events = run();
          // Strict: an optional field set to undefined differs from an omitted one.
          expect(events).toStrictEqual(expected);
          // Events go to a store and onto Kafka: they must survive JSON unchanged.
          expect(JSON.parse(JSON.stringify(events))).toStrictEqual(events);
        },
        thenThrows(code: string, kind?: DomainErrorKind): void {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(DomainError);
          expect((thrown as DomainError).code).toBe(code);
          if (kind) expect((thrown as DomainError).kind).toBe(kind);
        },
      };
    },
  };
}
