/**
 * The decider pattern: a pure function from (command, state) to new events, and a pure fold
 * from events to state. Clock and ids come in with the command, so `decide` is deterministic.
 */
export interface Decider<State, Command, Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** What every command carries besides its own data: who asks, and when. */
export interface CommandMetadata {
  /** Id of the authenticated agency issuing the command. */
  agency: string;
  /** Person or system acting on behalf of the agency (caseworker id, system name). */
  actor: string;
  /** ISO-8601 instant the command is decided at; supplied by the caller, never read inside decide. */
  now: string;
}

export interface Command<Type extends string, Data> {
  type: Type;
  data: Data;
  metadata: CommandMetadata;
}

export interface Event<Type extends string, Data> {
  type: Type;
  data: Data;
}

/** Folds a history into state; the given/when/then harness and the command handler share it. */
export function fold<S, C, E>(decider: Decider<S, C, E>, events: readonly E[]): S {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}

/** Used in the default branch of exhaustive switches: a missing case fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled variant: ${JSON.stringify(value)}`);
}
