/**
 * Domain errors are coded so that clients can branch on `code` and humans can read `message`.
 * `kind` tells the transport how to map it (one exception filter does that in the API).
 */
export type DomainErrorKind = 'validation' | 'not_found' | 'conflict' | 'forbidden';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (code: string, message: string) => new DomainError(code, message, 'validation');
export const notFound = (code: string, message: string) => new DomainError(code, message, 'not_found');
export const conflict = (code: string, message: string) => new DomainError(code, message, 'conflict');
export const forbidden = (code: string, message: string) => new DomainError(code, message, 'forbidden');
