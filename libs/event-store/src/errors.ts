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

/** Node's socket errors for a database that cannot be reached, or went away mid-conversation. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** What pg, pg-pool and PGlite say, without a code, when the connection or the database is gone. */
const GONE = [
  /^Connection terminated/, // unexpectedly, or due to connection timeout
  /^timeout exceeded when trying to connect$/,
  /^Query read timeout$/,
  /is not queryable$/, // a client that had a connection error, or was closed
  /^Client has encountered a connection error/,
  /^Cannot use a pool after calling end on the pool$/,
  /^PGlite is clos(ed|ing)$/,
];

/**
 * Whether the error says the event store is unavailable — down, unreachable, out of connections,
 * shutting down, closed — rather than that this request cannot be stored. An outage is worth
 * retrying without limit: the same request will succeed once the store is back. Conservative:
 * anything not recognised (a constraint, a bad value, a trigger's exception, a bug) is not an
 * outage, so a caller retrying it would retry a request that may never succeed.
 *
 * Recognised: SQLSTATE class 08 (connection exception), 57P01-57P05 (the server shutting down or
 * not yet accepting connections), 53300 (too many connections); Node's connection errors
 * (refused, reset, timed out); pg's and PGlite's "terminated"/"closed". Causes and the parts of
 * an AggregateError (Node tries each address of a host) are looked through.
 */
export function isStoreOutage(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') {
    if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-5]$/.test(code) || code === '53300') return true;
    if (UNREACHABLE.has(code)) return true;
  }
  if (typeof message === 'string' && code === undefined && GONE.some((pattern) => pattern.test(message))) return true;
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => isStoreOutage(e, depth + 1))) return true;
  return cause !== undefined && isStoreOutage(cause, depth + 1);
}
