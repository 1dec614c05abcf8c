import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { DomainError } from '@samhandling/domain';
import { errorSummary, EventStoreError } from '@samhandling/event-store';

const STATUS: Record<string, number> = {
  validation: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  forbidden: HttpStatus.FORBIDDEN,
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
  /** Why a disclosure was refused (no_basis, consent_withdrawn, consent_expired, consent_not_yet_valid, consent_not_confirmed, objection). */
  reason?: string;
}

/**
 * One place where errors become HTTP: coded domain and store errors keep their code and message;
 * validation failures list every field; anything unexpected is a 500 with an id to find in the
 * log — and neither the body nor the log line carries the request's personal data.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
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
  if (exception instanceof DomainError || exception instanceof EventStoreError) {
    return { statusCode: STATUS[exception.kind], error: exception.code, message: exception.message };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    if (typeof res === 'object' && res !== null) {
      const r = res as { error?: string; message?: string | string[]; reason?: string };
      const messages = Array.isArray(r.message) ? r.message : undefined;
      return {
        statusCode: status,
        error: r.error && r.error.includes('.') ? r.error : codeFor(status),
        message: messages ? `Invalid request: ${messages.join('; ')}` : String(r.message ?? exception.message),
        ...(messages ? { details: messages } : {}),
        ...(r.reason ? { reason: r.reason } : {}),
      };
    }
    return { statusCode: status, error: codeFor(status), message: String(res) };
  }
  const type = (exception as { type?: string })?.type;
  if (type === 'entity.too.large') return { statusCode: 413, error: 'REQUEST.TOO_LARGE', message: 'Request body exceeds the size limit' };
  if (type === 'entity.parse.failed') return { statusCode: 400, error: 'REQUEST.MALFORMED_JSON', message: 'Request body is not valid JSON' };
  return undefined;
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
