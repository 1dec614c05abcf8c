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

// Socket-level failures: the database host refused, dropped or never answered.
const OUTAGE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATEs of a server that is going away or full: class 08 (connection exception), 57P01
// admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections.
const OUTAGE_SQLSTATE = /^(?:08[0-9A-Z]{3}|57P0[123]|53300)$/;
// Errors of `pg` (pool and client) and PGlite that carry no code, only their message.
const OUTAGE_MESSAGE = /^(?:Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|Client has encountered a connection error|Client was closed and is not queryable|PGlite is clos(?:ed|ing))/;

/**
 * Whether an error means the database is away (refused, dropped, restarting, full, closed) rather
 * than that the request was wrong: such a request may succeed unchanged later, so HTTP answers
 * 503 and the Kafka inbox retries it. Looks through `cause` and AggregateError (a host name that
 * resolves to several addresses fails with one error per address).
 */
export function isStoreOutage(error: unknown): boolean {
  const pending: unknown[] = [error];
  for (let seen = 0; pending.length > 0 && seen < 20; seen++) {
    const e = pending.pop() as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown } | null | undefined;
    if (typeof e !== 'object' || e === null) continue;
    if (typeof e.code === 'string' && (OUTAGE_ERRNO.has(e.code) || OUTAGE_SQLSTATE.test(e.code))) return true;
    if (typeof e.message === 'string' && OUTAGE_MESSAGE.test(e.message)) return true;
    if (e.cause !== undefined) pending.push(e.cause);
    if (Array.isArray(e.errors)) pending.push(...e.errors);
  }
  return false;
}
