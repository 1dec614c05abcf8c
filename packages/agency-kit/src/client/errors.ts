/**
 * The backbone's refusals as exceptions: each carries the error code the API answered
 * (`REQUEST.INVALID`, `POLICY.DENIED`, `STREAM.WRONG_REVISION`, …), the HTTP status and the field
 * errors, so a caller branches on the class or the code, never on a message's wording.
 */
export class SamhandlingError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(`${code}: ${message}`);
    this.name = new.target.name;
  }
}

/** 400: the command or its headers are invalid; `details` names the fields. Sending it again will not help. */
export class InvalidRequestError extends SamhandlingError {}
/** 401: no token, or one the backbone does not accept (expired, wrong issuer or key). */
export class AuthenticationError extends SamhandlingError {}
/** 403: the agency may not do this (not its record, no basis, a writer rule). */
export class ForbiddenError extends SamhandlingError {}
/** 404: what the command refers to is not there. */
export class NotFoundError extends SamhandlingError {}
/**
 * 409 (or 412): the stream moved on since the revision given as If-Match (read it again and decide
 * again), or the Idempotency-Key was used for a different request.
 */
export class ConflictError extends SamhandlingError {}
/** 429, after the client's retries: the agency is over its rate limit. */
export class RateLimitedError extends SamhandlingError {}
/** 503, after the client's retries: the backbone (or its database) is not available. */
export class UnavailableError extends SamhandlingError {}

export function errorFor(status: number, body: unknown): SamhandlingError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; message?: unknown; details?: unknown };
  const code = typeof b.error === 'string' ? b.error : `HTTP.${status}`;
  const message = typeof b.message === 'string' ? b.message : Array.isArray(b.message) ? b.message.join('; ') : `HTTP ${status}`;
  const Type = status === 400 || status === 413 || status === 415 || status === 422 ? InvalidRequestError
    : status === 401 ? AuthenticationError
      : status === 403 ? ForbiddenError
        : status === 404 ? NotFoundError
          : status === 409 || status === 412 ? ConflictError
            : status === 429 ? RateLimitedError
              : status === 503 ? UnavailableError
                : SamhandlingError;
  return new Type(status, code, message, b.details);
}
