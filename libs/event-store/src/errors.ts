import type { ExpectedRevision } from './event-store.port';

/** Base for store errors: coded like domain errors so one filter maps them to HTTP. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  abstract readonly kind: 'validation' | 'conflict';
}

export class WrongExpectedRevisionError extends EventStoreError {
  readonly code = 'STORE.WRONG_EXPECTED_REVISION';
  readonly kind = 'conflict';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId} is at revision ${actual}, but the append expected ${expected}; reload and retry`);
  }
}

export class EventIdConflictError extends EventStoreError {
  readonly code = 'STORE.EVENT_ID_CONFLICT';
  readonly kind = 'conflict';
  constructor(message: string) {
    super(message);
  }
}

export class InvalidAppendError extends EventStoreError {
  readonly code = 'STORE.INVALID_APPEND';
  readonly kind = 'validation';
  constructor(message: string) {
    super(message);
  }
}
