import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { DomainError } from '@samhandling/domain';
import { errorSummary, EventStoreError, isStoreOutage } from '@samhandling/event-store';
import { describeBodyParserError } from './body-parsing';
import { OUTAGE_RETRY_AFTER_SECONDS, StoreOutageMonitor } from './store-outage';

const STATUS: Record<string, number> = {
  validation: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  forbidden: HttpStatus.FORBIDDEN,
};

const STORE_UNAVAILABLE = 'STORE.UNAVAILABLE';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
  /** Why a disclosure was refused (no_basis, consent_withdrawn, consent_expired, consent_not_yet_valid, consent_not_confirmed, objection). */
  reason?: string;
  /** Seconds after which a 503 is worth retrying; also sent as Retry-After. */
  retryAfter?: number;
}

/**
 * One place where errors become HTTP: coded domain and store errors keep their code and message;
 * validation failures list every field; a database outage is a 503 with Retry-After, logged once
 * per outage (StoreOutageMonitor); anything unexpected is a 500 with an id to find in the log —
 * and neither the body nor the log line carries the request's personal data.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly outage: StoreOutageMonitor) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode === 503 && body.error === STORE_UNAVAILABLE) {
      this.outage.failed(exception);
      response.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
    } else if (body.statusCode === 503 && typeof body.retryAfter === 'number') {
      // A 503 that knows when to come back says so (e.g. READ.POLICY_CATCHING_UP).
      response.setHeader('Retry-After', String(body.retryAfter));
    }
    // For the request metrics (observability/http-metrics.ts): codes and reasons, never content.
    Object.assign(response.locals, { errorCode: body.error, ...(body.error === 'POLICY.DENIED' ? { denialReason: body.reason ?? 'unspecified' } : {}) });
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    const described = describeError(exception);
    if (described) return described;
    const errorId = randomUUID();
    // The stack without its first line: that line repeats the message, which may quote the request.
    this.logger.error(`Unhandled error ${errorId}: ${errorSummary(exception)}`, (exception as Error)?.stack?.split('\n').slice(1).join('\n'));
    return { statusCode: 500, error: 'INTERNAL', message: `Internal error; reference ${errorId}` };
  }
}

/**
 * What a caller is told about an expected error (coded domain and store errors, HTTP and
 * validation errors, body-parser errors); undefined for anything unexpected. Pure, so the Kafka
 * inbox describes a refused message exactly as HTTP would answer it.
 */
export function describeError(exception: unknown): ErrorBody | undefined {
  if (isStoreOutage(exception)) {
    return { statusCode: 503, error: STORE_UNAVAILABLE, message: `The event store is unavailable; retry in ${OUTAGE_RETRY_AFTER_SECONDS} seconds (a command with its Idempotency-Key is safe to repeat)` };
  }
  if (exception instanceof DomainError || exception instanceof EventStoreError) {
    return { statusCode: STATUS[exception.kind], error: exception.code, message: exception.message };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    if (typeof res === 'object' && res !== null) {
      const r = res as { error?: string; message?: string | string[]; reason?: string; details?: unknown; retryAfter?: unknown };
      const messages = Array.isArray(r.message) ? r.message : undefined;
      return {
        statusCode: status,
        error: r.error && r.error.includes('.') ? r.error : codeFor(status),
        message: messages ? `Invalid request: ${messages.join('; ')}` : String(r.message ?? exception.message),
        ...(messages ? { details: messages } : r.details !== undefined ? { details: r.details } : {}),
        ...(r.reason ? { reason: r.reason } : {}),
        ...(status === 503 && typeof r.retryAfter === 'number' ? { retryAfter: r.retryAfter } : {}),
      };
    }
    return { statusCode: status, error: codeFor(status), message: String(res) };
  }
  return describeBodyParserError(exception);
}


function codeFor(status: number): string {
  switch (status) {
    case 400: return 'REQUEST.INVALID';
    case 401: return 'AUTH.UNAUTHENTICATED';
    case 403: return 'AUTH.FORBIDDEN';
    case 404: return 'REQUEST.NOT_FOUND';
    case 413: return 'REQUEST.TOO_LARGE';
    case 429: return 'RATE_LIMITED';
    default: return `HTTP.${status}`;
  }
}
