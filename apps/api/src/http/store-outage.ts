import { Injectable, Logger, Optional, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { tap, type Observable } from 'rxjs';
import { errorSummary } from '@samhandling/event-store';

/** Seconds a client is asked to wait before retrying while the database is away. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

export interface OutageLogger {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * Turns a database outage into two log lines instead of one stack trace per request: one when the
 * first request fails for the outage, one when a request next succeeds, with how many requests
 * were answered 503 meanwhile.
 */
@Injectable()
export class StoreOutageMonitor {
  private since?: number;
  private refused = 0;

  constructor(
    @Optional() private readonly logger: OutageLogger = new Logger('Store'),
    @Optional() private readonly now: () => number = Date.now,
  ) {}

  get down(): boolean {
    return this.since !== undefined;
  }

  failed(error: unknown): void {
    this.refused++;
    if (this.since !== undefined) return;
    this.since = this.now();
    this.logger.warn(`Event store unavailable (${errorSummary(error)}); answering 503 until it is back`);
  }

  succeeded(): void {
    if (this.since === undefined) return;
    const seconds = Math.round((this.now() - this.since) / 1000);
    this.logger.log(`Event store available again after ${seconds} s; ${this.refused} request(s) were answered 503`);
    this.since = undefined;
    this.refused = 0;
  }
}

/** A handler that completed had the store it needed: every handler reads or writes it. */
@Injectable()
export class StoreOutageInterceptor implements NestInterceptor {
  constructor(private readonly monitor: StoreOutageMonitor) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(tap(() => this.monitor.succeeded()));
  }
}
